using ShopDapr.Contracts.Ordering;

namespace ShopDapr.Payment.Domain;

/// <summary>
/// A card payment provider. Both calls carry an idempotency key (as Stripe's <c>Idempotency-Key</c>): the provider
/// answers a repeated key with its first answer and never moves money twice for it.
/// </summary>
public interface ICardProvider
{
    Task<ProviderCharge> ChargeAsync(string idempotencyKey, ProviderCard card, decimal amount, string currency, CancellationToken cancellationToken);

    Task<ProviderRefund> RefundAsync(string idempotencyKey, string paymentId, decimal amount, string currency, CancellationToken cancellationToken);
}

/// <summary>
/// The card a charge is made with, read back from payment's vault for the provider call only: number and expiry. No CVC:
/// it was checked when the card was vaulted, and a stored card is charged without one.
/// </summary>
public sealed record ProviderCard(string Number, string Expiry)
{
    /// <summary>Never the number: <c>ToString</c> of a record would print every field.</summary>
    public override string ToString() => $"card ending {CheckoutRules.Last4(Number)}";
}

/// <summary>The provider's answer to a charge.</summary>
public abstract record ProviderCharge
{
    public sealed record Approved(string PaymentId) : ProviderCharge;

    /// <summary>A final refusal (<see cref="DeclineCodes"/>): charging again will not help.</summary>
    public sealed record Declined(string Code, string Message) : ProviderCharge;

    /// <summary>The provider could not decide now; the same charge may be tried again.</summary>
    public sealed record TransientFailure(string Message) : ProviderCharge;
}

/// <summary>The provider's answer to a refund.</summary>
public abstract record ProviderRefund
{
    public sealed record Refunded(string RefundId) : ProviderRefund;

    public sealed record TransientFailure(string Message) : ProviderRefund;
}

/// <summary>Decline codes, named as Stripe names them.</summary>
public static class DeclineCodes
{
    public const string CardDeclined = "card_declined";
    public const string InsufficientFunds = "insufficient_funds";
    public const string IncorrectNumber = "incorrect_number";
    public const string ExpiredCard = "expired_card";
}
