using ShopDapr.Contracts.Ordering;
using ShopDapr.Ordering.Domain;

namespace ShopDapr.Ordering.Tests;

public sealed class OrderTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);

    private static OrderSubmitted Submitted() => new(Id, Id, 1, "c1", "c1@example.com", T0,
        [new OrderLine(Guid.NewGuid(), "SKU-1", "Hammer", 10m, 3)], 30m, "EUR", new Address("A", "S", "C", "P", "FR"), "4242");

    private static IReadOnlyList<IOrderEvent> HappyHistory() =>
    [
        Submitted(),
        new StockReserved(Guid.NewGuid(), Id, 2, "c1", "c1@example.com", T0.AddMinutes(1)),
        new OrderPaid(Guid.NewGuid(), Id, 3, "c1", "c1@example.com", T0.AddMinutes(2), "pay-1", 30m, "EUR"),
        new OrderShipped(Guid.NewGuid(), Id, 4, "c1", "c1@example.com", T0.AddMinutes(3), "ship-1", "TRACK-1"),
        new OrderCompleted(Guid.NewGuid(), Id, 5, "c1", "c1@example.com", T0.AddMinutes(4)),
        new OrderDelivered(Guid.NewGuid(), Id, 6, "c1", "c1@example.com", T0.AddDays(2)),
    ];

    [Fact]
    public void Rebuild_folds_the_whole_history_into_the_current_order()
    {
        var order = Order.Rebuild(HappyHistory())!;
        Assert.Equal((OrderStatus.Delivered, 6L, 30m, "4242"), (order.Status, order.Version, order.Total, order.CardLast4));
        Assert.Equal(("pay-1", "ship-1", "TRACK-1"), (order.PaymentId, order.ShipmentId, order.TrackingNumber));
        Assert.Equal((T0, T0.AddDays(2)), (order.CreatedAt, order.UpdatedAt));
    }

    [Fact]
    public void Each_prefix_of_the_history_gives_the_status_of_that_moment()
    {
        var statuses = Enumerable.Range(1, HappyHistory().Count).Select(n => Order.Rebuild(HappyHistory().Take(n))!.Status);
        Assert.Equal([OrderStatus.Submitted, OrderStatus.StockReserved, OrderStatus.Paid, OrderStatus.Paid, OrderStatus.Completed, OrderStatus.Delivered], statuses);
    }

    [Fact]
    public void A_held_then_cancelled_order_keeps_the_score_and_the_reason()
    {
        var order = Order.Rebuild([
            Submitted(),
            new OrderAwaitingApproval(Guid.NewGuid(), Id, 2, "c1", "c1@example.com", T0, 0.9, ["large total"]),
            new OrderCancelled(Guid.NewGuid(), Id, 3, "c1", "c1@example.com", T0, "Rejected by an admin: no", false),
        ])!;
        Assert.Equal((OrderStatus.Cancelled, 0.9, "Rejected by an admin: no", false), (order.Status, order.FraudScore, order.CancellationReason, order.Refunded));
        Assert.Equal(["large total"], order.FraudReasons);
    }

    [Fact]
    public void An_empty_stream_is_no_order() => Assert.Null(Order.Rebuild([]));

    [Fact]
    public void A_stream_must_start_with_OrderSubmitted() =>
        Assert.Throws<InvalidOperationException>(() => Order.Rebuild([new StockReserved(Guid.NewGuid(), Id, 1, "c1", "e", T0)]));

    [Fact]
    public void An_event_out_of_sequence_or_of_another_order_is_refused()
    {
        var order = Order.Rebuild([Submitted()])!;
        Assert.Throws<InvalidOperationException>(() => order.Apply(new StockReserved(Guid.NewGuid(), Id, 3, "c1", "e", T0)));
        Assert.Throws<InvalidOperationException>(() => order.Apply(new StockReserved(Guid.NewGuid(), Guid.NewGuid(), 2, "c1", "e", T0)));
        Assert.Throws<InvalidOperationException>(() => order.Apply(Submitted() with { Version = 2 }));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(5, false)]
    public void The_customer_may_cancel_only_before_payment(int events, bool mayCancel) =>
        Assert.Equal(mayCancel, Order.Rebuild(HappyHistory().Take(events))!.CustomerMayCancel);
}
