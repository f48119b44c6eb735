using ShopDapr.Contracts.Ordering;
using ShopDapr.Ordering.Workflows.Activities;

namespace ShopDapr.Ordering.Workflows.Tests;

public sealed class ApprovalAndCancelTests
{
    private readonly SagaContext _saga = new();

    public ApprovalAndCancelTests() =>
        _saga.Answers[nameof(ScoreFraudActivity)] = _ => new FraudAssessment(0.9, true, ["total 5000 EUR is at least 1000"]);

    [Fact]
    public async Task High_risk_order_is_held_and_proceeds_when_approved()
    {
        var run = _saga.RunAsync();
        Assert.False(run.IsCompleted, "the workflow must wait for the decision");
        Assert.Equal([nameof(ScoreFraudActivity)], _saga.Steps);
        var held = Assert.Single(_saga.Recorded);
        Assert.Equal((OrderEventKind.AwaitingApproval, 0.9), (held.Kind, held.FraudScore));
        Assert.Equal(["total 5000 EUR is at least 1000"], held.Reasons);
        Assert.Equal([_saga.Order.ApprovalTimeout], _saga.ApprovalTimeouts);
        Assert.Equal("AwaitingApproval", _saga.Statuses[^1]);

        _saga.Approval.SetResult(new ApprovalDecision(true, "known customer"));
        var outcome = await run;

        Assert.Equal(OrderStatus.Completed, outcome.Status);
        Assert.Equal(
            [OrderEventKind.AwaitingApproval, OrderEventKind.StockReserved, OrderEventKind.Paid, OrderEventKind.Shipped, OrderEventKind.Completed],
            _saga.Recorded.Select(e => e.Kind));
    }

    [Fact]
    public async Task High_risk_order_rejected_by_an_admin_is_cancelled_without_touching_stock()
    {
        _saga.Approval.SetResult(new ApprovalDecision(false, "stolen card"));

        var outcome = await _saga.RunAsync();

        Assert.Equal(OrderStatus.Cancelled, outcome.Status);
        Assert.Equal([nameof(ScoreFraudActivity)], _saga.Steps);
        Assert.Equal([OrderEventKind.AwaitingApproval, OrderEventKind.Cancelled], _saga.Recorded.Select(e => e.Kind));
        Assert.Equal("Rejected by an admin: stolen card", _saga.Recorded[^1].Reason);
    }

    [Fact]
    public async Task High_risk_order_with_no_decision_in_time_is_rejected()
    {
        _saga.Approval.SetException(new TaskCanceledException()); // what the timeout does: the wait throws TaskCanceledException

        var outcome = await _saga.RunAsync();

        Assert.Equal(OrderStatus.Cancelled, outcome.Status);
        Assert.Equal([nameof(ScoreFraudActivity)], _saga.Steps);
        Assert.StartsWith("Rejected: no approval decision within", _saga.Recorded[^1].Reason);
    }

    [Fact]
    public async Task Customer_cancel_while_held_ends_the_wait_with_nothing_to_undo()
    {
        var run = _saga.RunAsync();
        _saga.Cancel.SetResult(new CancelRequest("customer-1", "changed my mind"));
        var outcome = await run;

        Assert.Equal(OrderStatus.Cancelled, outcome.Status);
        Assert.Equal([nameof(ScoreFraudActivity)], _saga.Steps);
        Assert.Equal("Cancelled by the customer: changed my mind", _saga.Recorded[^1].Reason);
    }

    [Fact]
    public async Task Customer_cancel_after_the_reservation_releases_it_and_charges_nothing()
    {
        _saga.Answers[nameof(ScoreFraudActivity)] = _ => new FraudAssessment(0, false, []);
        _saga.Answers[nameof(ReserveStockActivity)] = _ =>
        {
            _saga.Cancel.SetResult(new CancelRequest("customer-1", null));
            return StepOutcome.Done;
        };

        var outcome = await _saga.RunAsync();

        Assert.Equal(OrderStatus.Cancelled, outcome.Status);
        Assert.Equal([nameof(ScoreFraudActivity), nameof(ReserveStockActivity), nameof(ReleaseStockActivity)], _saga.Steps);
        Assert.Equal([OrderEventKind.StockReserved, OrderEventKind.Cancelled], _saga.Recorded.Select(e => e.Kind));
        Assert.False(_saga.Recorded[^1].Refunded);
    }

    [Fact]
    public async Task Customer_cancel_after_payment_is_too_late()
    {
        _saga.Answers[nameof(ScoreFraudActivity)] = _ => new FraudAssessment(0, false, []);
        _saga.Answers[nameof(ChargePaymentActivity)] = _ =>
        {
            _saga.Cancel.SetResult(new CancelRequest("customer-1", null));
            return new PaymentOutcome(true, "pay-1", 25m, null);
        };

        Assert.Equal(OrderStatus.Completed, (await _saga.RunAsync()).Status);
    }
}
