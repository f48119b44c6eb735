using ShopDapr.Contracts.Ordering;
using ShopDapr.Ordering.Domain;

namespace ShopDapr.Ordering.Api;

/// <summary>An order as the public API shows it: the card masked, the status by name.</summary>
public sealed record OrderView(
    Guid Id,
    string CustomerId,
    string Status,
    IReadOnlyList<OrderLine> Lines,
    decimal Total,
    string Currency,
    Address ShippingAddress,
    string Card,
    string? PaymentId,
    string? ShipmentId,
    string? TrackingNumber,
    double? FraudScore,
    string? CancellationReason,
    bool Refunded,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public static OrderView From(Order o) => new(
        o.Id, o.CustomerId, o.Status.ToString(), o.Lines, o.Total, o.Currency, o.ShippingAddress, $"**** **** **** {o.CardLast4}",
        o.PaymentId, o.ShipmentId, o.TrackingNumber, o.FraudScore, o.CancellationReason, o.Refunded, o.CreatedAt, o.UpdatedAt, o.Version);
}

/// <summary>One entry of <c>GET /api/orders/{id}/history</c>: the event's type and the event itself.</summary>
public sealed record OrderHistoryEntry(long Version, string Type, DateTimeOffset OccurredAt, object Event);

/// <summary><c>POST /api/orders/{id}/cancel</c> body (optional).</summary>
public sealed record CancelOrderRequest(string? Reason);

/// <summary><c>POST /api/orders/{id}/approval</c> body: <c>approved</c> is required.</summary>
public sealed record ApprovalRequest(bool? Approved, string? Reason);

/// <summary>202 body of cancel and approval: the request reached the workflow; the order's status shows the outcome.</summary>
public sealed record OrderActionAccepted(Guid OrderId, string Action);
