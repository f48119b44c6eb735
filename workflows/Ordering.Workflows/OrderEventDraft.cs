using ShopDapr.Contracts.Ordering;

namespace ShopDapr.Ordering.Workflows;

/// <summary>The order events the workflow records (<see cref="OrderSubmitted"/> is recorded by ordering when it accepts the order).</summary>
public enum OrderEventKind { AwaitingApproval, StockReserved, Paid, Shipped, Completed, Cancelled }

/// <summary>
/// A change to append to the order's stream: by a forward step once it is done (<see cref="SagaStep"/>), or by
/// <see cref="Activities.RecordOrderEventActivity"/>. <see cref="EventId"/> comes from <c>WorkflowContext.NewGuid()</c>
/// (the same on every replay), which makes the append idempotent.
/// </summary>
public sealed record OrderEventDraft(
    Guid EventId,
    Guid OrderId,
    string CustomerId,
    string CustomerEmail,
    OrderEventKind Kind,
    double? FraudScore = null,
    IReadOnlyList<string>? Reasons = null,
    string? ScoredBy = null,
    string? PaymentId = null,
    decimal? Amount = null,
    string? Currency = null,
    string? ShipmentId = null,
    string? TrackingNumber = null,
    string? Reason = null,
    bool Refunded = false)
{
    public static OrderEventDraft For(Guid eventId, OrderSnapshot order, OrderEventKind kind) =>
        new(eventId, order.OrderId, order.CustomerId, order.CustomerEmail, kind);

    public IOrderEvent ToEvent(long version, DateTimeOffset now) => Kind switch
    {
        OrderEventKind.AwaitingApproval => new OrderAwaitingApproval(EventId, OrderId, version, CustomerId, CustomerEmail, now, FraudScore ?? 0, Reasons ?? [], ScoredBy),
        OrderEventKind.StockReserved => new StockReserved(EventId, OrderId, version, CustomerId, CustomerEmail, now),
        OrderEventKind.Paid => new OrderPaid(EventId, OrderId, version, CustomerId, CustomerEmail, now, Required(PaymentId), Amount ?? 0, Required(Currency)),
        OrderEventKind.Shipped => new OrderShipped(EventId, OrderId, version, CustomerId, CustomerEmail, now, Required(ShipmentId), TrackingNumber ?? ""),
        OrderEventKind.Completed => new OrderCompleted(EventId, OrderId, version, CustomerId, CustomerEmail, now),
        OrderEventKind.Cancelled => new OrderCancelled(EventId, OrderId, version, CustomerId, CustomerEmail, now, Required(Reason), Refunded),
        _ => throw new InvalidOperationException($"Unknown order event kind {Kind}."),
    };

    private string Required(string? value) =>
        value ?? throw new InvalidOperationException($"A {Kind} event of order {OrderId} needs more detail.");
}
