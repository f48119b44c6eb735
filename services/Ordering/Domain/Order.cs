using ShopDapr.Contracts.Ordering;

namespace ShopDapr.Ordering.Domain;

/// <summary>
/// An order's current state, never stored: rebuilt by applying its events in order (<see cref="Rebuild"/>).
/// Plain C#: the event stream is the truth, this is a fold over it. The card is kept as its last four digits only.
/// </summary>
public sealed record Order(
    Guid Id,
    string CustomerId,
    string CustomerEmail,
    OrderStatus Status,
    IReadOnlyList<OrderLine> Lines,
    decimal Total,
    string Currency,
    Address ShippingAddress,
    string CardLast4,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public double? FraudScore { get; init; }
    public IReadOnlyList<string> FraudReasons { get; init; } = [];
    public string? PaymentId { get; init; }
    public string? ShipmentId { get; init; }
    public string? TrackingNumber { get; init; }
    public string? CancellationReason { get; init; }
    public bool Refunded { get; init; }

    /// <summary>The customer may cancel only before the money is taken (a cancel is a request the workflow honours between steps).</summary>
    public bool CustomerMayCancel => Status is OrderStatus.Submitted or OrderStatus.AwaitingApproval or OrderStatus.StockReserved;

    public bool IsFinished => Status is OrderStatus.Completed or OrderStatus.Delivered or OrderStatus.Cancelled;

    /// <summary>The order as its events say; null for an empty stream.</summary>
    public static Order? Rebuild(IEnumerable<IOrderEvent> events)
    {
        Order? order = null;
        foreach (var e in events)
            order = order is null ? Start(e) : order.Apply(e);
        return order;
    }

    private static Order Start(IOrderEvent first) => first is OrderSubmitted s
        ? new Order(s.OrderId, s.CustomerId, s.CustomerEmail, OrderStatus.Submitted, s.Lines, s.Total, s.Currency, s.ShippingAddress,
            s.CardLast4, s.OccurredAt, s.OccurredAt, s.Version)
        : throw new InvalidOperationException($"An order's stream starts with {nameof(OrderSubmitted)}, not {first.GetType().Name}.");

    /// <summary>The order after <paramref name="e"/>, which must be the next version of this order.</summary>
    public Order Apply(IOrderEvent e)
    {
        if (e.OrderId != Id)
            throw new InvalidOperationException($"Event {e.EventId} belongs to order {e.OrderId}, not {Id}.");
        if (e.Version != Version + 1)
            throw new InvalidOperationException($"Order {Id} is at version {Version}; event {e.EventId} has version {e.Version}.");
        var next = this with { Version = e.Version, UpdatedAt = e.OccurredAt };
        return e switch
        {
            OrderAwaitingApproval held => next with { Status = OrderStatus.AwaitingApproval, FraudScore = held.FraudScore, FraudReasons = held.Reasons },
            StockReserved => next with { Status = OrderStatus.StockReserved },
            OrderPaid paid => next with { Status = OrderStatus.Paid, PaymentId = paid.PaymentId },
            // Shipping is a fact, not a status of its own: the order stays Paid until the saga completes.
            OrderShipped shipped => next with { ShipmentId = shipped.ShipmentId, TrackingNumber = shipped.TrackingNumber },
            OrderCompleted => next with { Status = OrderStatus.Completed },
            OrderDelivered => next with { Status = OrderStatus.Delivered },
            OrderCancelled cancelled => next with { Status = OrderStatus.Cancelled, CancellationReason = cancelled.Reason, Refunded = cancelled.Refunded },
            OrderSubmitted => throw new InvalidOperationException($"Order {Id} was already submitted."),
            _ => throw new InvalidOperationException($"Unknown order event {e.GetType().Name}."),
        };
    }
}
