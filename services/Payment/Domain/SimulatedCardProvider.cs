using System.Collections.Concurrent;
using System.Security.Cryptography;
using ShopDapr.Contracts.Ordering;

namespace ShopDapr.Payment.Domain;

/// <summary>
/// The test cards of docs/test-cards.md, answered as Stripe's test mode answers them:
/// <list type="bullet">
/// <item><c>4242424242424242</c> approves;</item>
/// <item><c>4000000000000002</c> is declined (<c>card_declined</c>);</item>
/// <item><c>4000000000009995</c> is declined for insufficient funds;</item>
/// <item><c>4000000000000119</c> fails transiently on the first two attempts of an idempotency key, then approves;</item>
/// <item>any other number is declined: a number that fails the Luhn check as <c>incorrect_number</c>, a well-formed
/// number that is not a test card as <c>card_declined</c> (Stripe's test mode refuses real cards the same way);</item>
/// <item>an expiry in the past is declined as <c>expired_card</c>.</item>
/// </list>
/// It charges cards from payment's vault (number and expiry, no CVC). The CVC is the vault's to check when a card is
/// tokenised: the simulated provider's check is its shape (3 or 4 digits, <see cref="CheckoutRules.IsCvc"/>), so any
/// well-formed CVC passes, as any CVC does on Stripe's test cards.
/// Idempotency records live in this process (a real provider keeps them on its side): a repeated key gets the first
/// final answer and no second charge. Transient failures are not final, so they are not remembered as answers.
/// </summary>
public sealed class SimulatedCardProvider(TimeProvider time) : ICardProvider
{
    public const string Approves = "4242424242424242";
    public const string Declines = "4000000000000002";
    public const string InsufficientFunds = "4000000000009995";
    public const string FailsTwiceThenApproves = "4000000000000119";
    public const int TransientFailures = 2;

    private readonly ConcurrentDictionary<string, Lazy<ProviderCharge>> _charges = new();
    private readonly ConcurrentDictionary<string, Lazy<ProviderRefund>> _refunds = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new();
    private int _moneyMovements;
    private int _refundMovements;

    /// <summary>How many charges actually moved money (approved, counted once per key).</summary>
    public int Charges => Volatile.Read(ref _moneyMovements);

    /// <summary>How many refunds actually moved money back.</summary>
    public int Refunds => Volatile.Read(ref _refundMovements);

    /// <summary>How many times a charge was attempted for <paramref name="idempotencyKey"/> (transient failures included).</summary>
    public int Attempts(string idempotencyKey) => _attempts.GetValueOrDefault(idempotencyKey);

    public Task<ProviderCharge> ChargeAsync(string idempotencyKey, ProviderCard card, decimal amount, string currency, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var attempt = _attempts.AddOrUpdate(idempotencyKey, 1, (_, n) => n + 1);
        if (_charges.TryGetValue(idempotencyKey, out var known))
            return Task.FromResult(known.Value);
        var digits = card.Number;
        if (digits == FailsTwiceThenApproves && attempt <= TransientFailures)
            return Task.FromResult<ProviderCharge>(new ProviderCharge.TransientFailure("The card network timed out; try again."));
        var answer = _charges.GetOrAdd(idempotencyKey, _ => new Lazy<ProviderCharge>(() => Decide(digits, card.Expiry)));
        return Task.FromResult(answer.Value);
    }

    public Task<ProviderRefund> RefundAsync(string idempotencyKey, string paymentId, decimal amount, string currency, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var answer = _refunds.GetOrAdd(idempotencyKey, _ => new Lazy<ProviderRefund>(() =>
        {
            Interlocked.Increment(ref _refundMovements);
            return new ProviderRefund.Refunded(NewId("re_"));
        }));
        return Task.FromResult(answer.Value);
    }

    private ProviderCharge Decide(string digits, string expiry)
    {
        if (!CheckoutRules.PassesLuhn(digits))
            return new ProviderCharge.Declined(DeclineCodes.IncorrectNumber, "The card number is incorrect.");
        if (CardExpiry.Parse(expiry) is not { } until || until.IsPastAt(time.GetUtcNow()))
            return new ProviderCharge.Declined(DeclineCodes.ExpiredCard, "The card has expired.");
        switch (digits)
        {
            case Approves or FailsTwiceThenApproves:
                Interlocked.Increment(ref _moneyMovements);
                return new ProviderCharge.Approved(NewId("pay_"));
            case InsufficientFunds:
                return new ProviderCharge.Declined(DeclineCodes.InsufficientFunds, "The card has insufficient funds.");
            case Declines:
                return new ProviderCharge.Declined(DeclineCodes.CardDeclined, "The card was declined.");
            default:
                return new ProviderCharge.Declined(DeclineCodes.CardDeclined, "The card was declined: the simulated provider accepts test cards only.");
        }
    }

    private static string NewId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
