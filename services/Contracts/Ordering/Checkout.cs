using ShopDapr.Contracts.Payment;

namespace ShopDapr.Contracts.Ordering;

/// <summary>Where an order goes.</summary>
public sealed record Address(string Name, string Street, string City, string PostalCode, string Country);

/// <summary>
/// A card as the client sends it at checkout (test cards in docs/test-cards.md). It goes from cart to payment's vault
/// (<see cref="PaymentRoutes.Cards"/>) and nowhere else: every later step holds a <see cref="CardOnFile"/>.
/// Never logged, never stored; <see cref="ToString"/> shows the last four digits only.
/// </summary>
public sealed record CardDetails(string Number, string Expiry, string Cvc)
{
    /// <summary>Never the number or the CVC: <c>ToString</c> of a record would print every field.</summary>
    public override string ToString() => $"card ending {CheckoutRules.Last4(Number ?? "")}";
}

/// <summary>One line of an order, a snapshot of the cart line at checkout.</summary>
public sealed record OrderLine(Guid ProductId, string Sku, string Name, decimal UnitPrice, int Quantity);

/// <summary>
/// cart → ordering (<see cref="OrderingRoutes.PlaceOrder"/>): create the order and start its workflow. The card is the
/// one cart vaulted with payment at checkout (token and last four digits), never its number or CVC.
/// Idempotent per (<paramref name="CustomerId"/>, <paramref name="IdempotencyKey"/>): a repeat returns the first order id;
/// a repeat whose <paramref name="RequestFingerprint"/> (<see cref="CheckoutFingerprint"/> of the client's checkout) differs
/// is refused with 422, as the key belongs to another request.
/// </summary>
public sealed record PlaceOrderRequest(
    string IdempotencyKey,
    string CustomerId,
    string CustomerEmail,
    IReadOnlyList<OrderLine> Lines,
    string Currency,
    Address ShippingAddress,
    CardOnFile Card,
    string? RequestFingerprint = null);

/// <summary>202 Accepted (new) or 200 OK (repeat of the same idempotency key).</summary>
public sealed record PlaceOrderResponse(Guid OrderId);

/// <summary>An admin's decision on an order held for fraud review (<c>POST /api/orders/{id}/approval</c>).</summary>
public sealed record ApprovalDecision(bool Approved, string? Reason);

public enum OrderStatus { Submitted, AwaitingApproval, StockReserved, Paid, Completed, Delivered, Cancelled }

/// <summary>Service-to-service routes of ordering, called through Dapr service invocation.</summary>
public static class OrderingRoutes
{
    public const string PlaceOrder = "/internal/orders";
}
