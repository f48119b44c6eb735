using Dapr.Workflow;
using NSubstitute;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Ordering.Workflows.Activities;

namespace ShopDapr.Ordering.Workflows.Tests;

public sealed class RecordOrderEventActivityTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task It_appends_the_drafted_event_at_the_version_the_log_gives_under_the_drafts_event_id()
    {
        var log = Substitute.For<IOrderEventLog>();
        IOrderEvent? made = null;
        log.AppendAsync(Arg.Any<Guid>(), Arg.Any<Guid>(), Arg.Any<Func<long, IOrderEvent>>(), Arg.Any<CancellationToken>())
            .Returns(ci =>
            {
                made = ci.ArgAt<Func<long, IOrderEvent>>(2)(7);
                return 7L;
            });
        var draft = new OrderEventDraft(Guid.NewGuid(), Guid.NewGuid(), "c1", "c1@example.com", OrderEventKind.Cancelled, Reason: "Out of stock", Refunded: true);

        var version = await new RecordOrderEventActivity(new OrderEventRecorder(log, new FixedTime())).RunAsync(Substitute.For<WorkflowActivityContext>(), draft);

        Assert.Equal(7, version);
        await log.Received(1).AppendAsync(draft.OrderId, draft.EventId, Arg.Any<Func<long, IOrderEvent>>(), Arg.Any<CancellationToken>());
        Assert.Equal(new OrderCancelled(draft.EventId, draft.OrderId, 7, "c1", "c1@example.com", Now, "Out of stock", true), made);
    }

    [Theory]
    [InlineData(OrderEventKind.AwaitingApproval, typeof(OrderAwaitingApproval))]
    [InlineData(OrderEventKind.StockReserved, typeof(StockReserved))]
    [InlineData(OrderEventKind.Paid, typeof(OrderPaid))]
    [InlineData(OrderEventKind.Shipped, typeof(OrderShipped))]
    [InlineData(OrderEventKind.Completed, typeof(OrderCompleted))]
    [InlineData(OrderEventKind.Cancelled, typeof(OrderCancelled))]
    public void Each_kind_becomes_its_order_event(OrderEventKind kind, Type expected)
    {
        var draft = new OrderEventDraft(Guid.NewGuid(), Guid.NewGuid(), "c", "e", kind, PaymentId: "p", Currency: "EUR", ShipmentId: "s", Reason: "r");
        Assert.IsType(expected, draft.ToEvent(3, Now));
    }

    [Fact]
    public void A_paid_draft_without_a_payment_id_is_refused()
    {
        var draft = new OrderEventDraft(Guid.NewGuid(), Guid.NewGuid(), "c", "e", OrderEventKind.Paid, Currency: "EUR");
        Assert.Throws<InvalidOperationException>(() => draft.ToEvent(3, Now));
    }
}
