namespace ShopDapr.Ordering.Workflows;

/// <summary>
/// The input of a forward step of the saga: the order, and the id of the order event the step appends once it is done
/// (from <c>WorkflowContext.NewGuid()</c>, the same on every replay). The step's call and its event travel in one
/// activity, so the order history is written without a worker round trip of its own; a retried step calls again
/// (idempotent per order at the callee) and appends nothing twice (idempotent by event id).
/// </summary>
public sealed record SagaStep(OrderSnapshot Order, Guid EventId)
{
    public OrderEventDraft StockReserved() => OrderEventDraft.For(EventId, Order, OrderEventKind.StockReserved);

    public OrderEventDraft Paid(PaymentOutcome payment) => OrderEventDraft.For(EventId, Order, OrderEventKind.Paid) with
    {
        PaymentId = payment.PaymentId,
        Amount = payment.Amount,
        Currency = Order.Currency,
    };

    public OrderEventDraft Shipped(ShipmentOutcome shipment) => OrderEventDraft.For(EventId, Order, OrderEventKind.Shipped) with
    {
        ShipmentId = shipment.ShipmentId,
        TrackingNumber = shipment.TrackingNumber,
    };

    public OrderEventDraft Completed() => OrderEventDraft.For(EventId, Order, OrderEventKind.Completed);
}

/// <summary>Appends an <see cref="OrderEventDraft"/> to the order's stream, stamped now, idempotent by its event id.</summary>
public sealed class OrderEventRecorder(IOrderEventLog events, TimeProvider time)
{
    /// <returns>The event's version in the stream.</returns>
    public Task<long> RecordAsync(OrderEventDraft draft, CancellationToken cancellationToken) =>
        events.AppendAsync(draft.OrderId, draft.EventId, version => draft.ToEvent(version, time.GetUtcNow()), cancellationToken);
}
