namespace ShopDapr.Contracts.Ordering;

/// <summary>
/// A change of one order, stored in the order's event stream and published on <c>order-events</c>.
/// <see cref="EventId"/> is stable across re-publication, so consumers de-duplicate on it;
/// <see cref="Version"/> is the event's position in the order's stream (1, 2, …).
/// </summary>
public interface IOrderEvent : IIntegrationEvent
{
    Guid EventId { get; }
    Guid OrderId { get; }
    long Version { get; }
    string CustomerId { get; }
    string CustomerEmail { get; }
}

public sealed record OrderSubmitted(
    Guid EventId, Guid OrderId, long Version, string CustomerId, string CustomerEmail, DateTimeOffset OccurredAt,
    IReadOnlyList<OrderLine> Lines, decimal Total, string Currency, Address ShippingAddress, string CardLast4) : IOrderEvent;

/// <summary>
/// Held for an admin's decision: the fraud score was high. <paramref name="ScoredBy"/> names the scorer: <c>rules</c> or
/// <c>model {version}</c> (analytics' model); null in events recorded before it was named.
/// </summary>
public sealed record OrderAwaitingApproval(
    Guid EventId, Guid OrderId, long Version, string CustomerId, string CustomerEmail, DateTimeOffset OccurredAt,
    double FraudScore, IReadOnlyList<string> Reasons, string? ScoredBy = null) : IOrderEvent;

public sealed record StockReserved(
    Guid EventId, Guid OrderId, long Version, string CustomerId, string CustomerEmail, DateTimeOffset OccurredAt) : IOrderEvent;

public sealed record OrderPaid(
    Guid EventId, Guid OrderId, long Version, string CustomerId, string CustomerEmail, DateTimeOffset OccurredAt,
    string PaymentId, decimal Amount, string Currency) : IOrderEvent;

public sealed record OrderShipped(
    Guid EventId, Guid OrderId, long Version, string CustomerId, string CustomerEmail, DateTimeOffset OccurredAt,
    string ShipmentId, string TrackingNumber) : IOrderEvent;

/// <summary>The saga's success: paid, shipment created, reservation confirmed.</summary>
public sealed record OrderCompleted(
    Guid EventId, Guid OrderId, long Version, string CustomerId, string CustomerEmail, DateTimeOffset OccurredAt) : IOrderEvent;

public sealed record OrderDelivered(
    Guid EventId, Guid OrderId, long Version, string CustomerId, string CustomerEmail, DateTimeOffset OccurredAt) : IOrderEvent;

/// <summary>The order ended unsuccessfully; what was done was compensated (<paramref name="Refunded"/> says whether money went back).</summary>
public sealed record OrderCancelled(
    Guid EventId, Guid OrderId, long Version, string CustomerId, string CustomerEmail, DateTimeOffset OccurredAt,
    string Reason, bool Refunded) : IOrderEvent;
