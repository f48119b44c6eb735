namespace ShopDapr.Contracts.Payment;

/// <summary>
/// ordering → payment (<see cref="PaymentRoutes.Charges"/>), idempotent per order: a repeat returns the first result and
/// charges nothing. The card is named by its vault token (<see cref="VaultedCard"/>): payment reads the number back from
/// its vault for the provider call only. 200 <see cref="PaymentResult"/>; 402 ProblemDetails (declined, insufficient funds:
/// do not retry); 422 ProblemDetails (the token names no vaulted card); 503 ProblemDetails (transient provider failure: retry).
/// </summary>
public sealed record ChargeRequest(Guid OrderId, decimal Amount, string Currency, string CardToken);

public enum PaymentStatus { Charged, Refunded }

public sealed record PaymentResult(Guid OrderId, string PaymentId, PaymentStatus Status, decimal Amount, string Currency);

/// <summary>Service-to-service routes of payment. Refund is idempotent: 200 with the refunded payment, 404 when nothing was charged.</summary>
public static class PaymentRoutes
{
    public const string Charges = "/internal/payments";

    /// <summary>cart → payment at checkout: <c>POST</c> a card (number, expiry, CVC), 201 <see cref="VaultedCard"/>.</summary>
    public const string Cards = "/internal/cards";

    public static string Refund(Guid orderId) => $"{Charges}/{orderId}/refund";
}

/// <summary>Published on <c>order-events</c>.</summary>
public sealed record PaymentCharged(Guid OrderId, string PaymentId, decimal Amount, string Currency, DateTimeOffset OccurredAt) : IIntegrationEvent;

public sealed record PaymentRefunded(Guid OrderId, string PaymentId, decimal Amount, string Currency, DateTimeOffset OccurredAt) : IIntegrationEvent;

public sealed record PaymentDeclined(Guid OrderId, string Reason, DateTimeOffset OccurredAt) : IIntegrationEvent;
