using ShopDapr.Contracts.Ordering;
using ShopDapr.Ordering.Workflows.Activities;

namespace ShopDapr.Ordering.Workflows.Tests;

public sealed class OrderProcessingWorkflowTests
{
    private readonly SagaContext _saga = new();

    [Fact]
    public async Task Happy_path_reserves_charges_ships_confirms_and_completes()
    {
        var outcome = await _saga.RunAsync();

        Assert.Equal(OrderStatus.Completed, outcome.Status);
        Assert.Equal(
            [nameof(ScoreFraudActivity), nameof(ReserveStockActivity), nameof(ChargePaymentActivity), nameof(CreateShipmentActivity), nameof(ConfirmReservationActivity)],
            _saga.Steps);
        Assert.Equal(
            [OrderEventKind.StockReserved, OrderEventKind.Paid, OrderEventKind.Shipped, OrderEventKind.Completed],
            _saga.Recorded.Select(e => e.Kind));
        var paid = _saga.Recorded.Single(e => e.Kind == OrderEventKind.Paid);
        Assert.Equal(("pay-1", 25m, "EUR"), (paid.PaymentId, paid.Amount, paid.Currency));
        var shipped = _saga.Recorded.Single(e => e.Kind == OrderEventKind.Shipped);
        Assert.Equal(("ship-1", "TRACK-1"), (shipped.ShipmentId, shipped.TrackingNumber));
        Assert.All(_saga.Recorded, e => Assert.Equal(_saga.Order.OrderId, e.OrderId));
        Assert.Equal(_saga.Recorded.Count, _saga.Recorded.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(["ScoringFraud", "ReservingStock", "ChargingPayment", "CreatingShipment", "ConfirmingReservation", "Completed"], _saga.Statuses);
    }

    [Fact]
    public async Task Out_of_stock_cancels_with_nothing_to_undo()
    {
        _saga.Answers[nameof(ReserveStockActivity)] = _ => StepOutcome.Refused("Out of stock: SKU-1");

        var outcome = await _saga.RunAsync();

        Assert.Equal(OrderStatus.Cancelled, outcome.Status);
        Assert.Equal([nameof(ScoreFraudActivity), nameof(ReserveStockActivity)], _saga.Steps);
        var cancelled = Assert.Single(_saga.Recorded);
        Assert.Equal((OrderEventKind.Cancelled, "Out of stock: SKU-1", false), (cancelled.Kind, cancelled.Reason, cancelled.Refunded));
    }

    [Fact]
    public async Task A_reservation_that_keeps_failing_is_released_in_case_it_went_through()
    {
        _saga.Answers[nameof(ReserveStockActivity)] = _ => throw SagaContext.ExhaustedRetries(nameof(ReserveStockActivity), "inventory answered 503");

        var outcome = await _saga.RunAsync();

        Assert.Equal(OrderStatus.Cancelled, outcome.Status);
        Assert.Equal([nameof(ScoreFraudActivity), nameof(ReserveStockActivity), nameof(ReleaseStockActivity)], _saga.Steps);
        Assert.Contains("A step kept failing", Assert.Single(_saga.Recorded).Reason);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_charge_that_keeps_failing_is_refunded_in_case_it_went_through(bool moneyWasTaken)
    {
        _saga.Answers[nameof(ChargePaymentActivity)] = _ => throw SagaContext.ExhaustedRetries(nameof(ChargePaymentActivity), "payment answered 503");
        _saga.Answers[nameof(RefundPaymentActivity)] = _ => moneyWasTaken;

        var outcome = await _saga.RunAsync();

        Assert.Equal(OrderStatus.Cancelled, outcome.Status);
        Assert.Equal([nameof(ScoreFraudActivity), nameof(ReserveStockActivity), nameof(ChargePaymentActivity), nameof(RefundPaymentActivity), nameof(ReleaseStockActivity)],
            _saga.Steps);
        Assert.Equal(moneyWasTaken, _saga.Recorded[^1].Refunded);
    }

    [Fact]
    public async Task Checkout_with_declined_card_releases_stock()
    {
        _saga.Answers[nameof(ChargePaymentActivity)] = _ => new PaymentOutcome(false, null, 0, "Payment declined: card declined");

        var outcome = await _saga.RunAsync();

        Assert.Equal(OrderStatus.Cancelled, outcome.Status);
        Assert.Equal([nameof(ScoreFraudActivity), nameof(ReserveStockActivity), nameof(ChargePaymentActivity), nameof(ReleaseStockActivity)], _saga.Steps);
        Assert.Equal([OrderEventKind.StockReserved, OrderEventKind.Cancelled], _saga.Recorded.Select(e => e.Kind));
        var cancelled = _saga.Recorded[^1];
        Assert.Equal(("Payment declined: card declined", false), (cancelled.Reason, cancelled.Refunded));
    }

    [Fact]
    public async Task Failed_shipment_refunds_then_releases_stock()
    {
        _saga.Answers[nameof(CreateShipmentActivity)] = _ => new ShipmentOutcome(false, null, null, "Shipment refused (422): no carrier");

        var outcome = await _saga.RunAsync();

        Assert.Equal(OrderStatus.Cancelled, outcome.Status);
        Assert.Equal(
            [nameof(ScoreFraudActivity), nameof(ReserveStockActivity), nameof(ChargePaymentActivity), nameof(CreateShipmentActivity),
             nameof(RefundPaymentActivity), nameof(ReleaseStockActivity)],
            _saga.Steps);
        Assert.Equal([OrderEventKind.StockReserved, OrderEventKind.Paid, OrderEventKind.Cancelled], _saga.Recorded.Select(e => e.Kind));
        Assert.True(_saga.Recorded[^1].Refunded);
    }

    [Fact]
    public async Task Failed_confirmation_cancels_the_shipment_refunds_and_releases_in_reverse()
    {
        _saga.Answers[nameof(ConfirmReservationActivity)] = _ => throw SagaContext.ExhaustedRetries(nameof(ConfirmReservationActivity), "inventory down");

        var outcome = await _saga.RunAsync();

        Assert.Equal(OrderStatus.Cancelled, outcome.Status);
        Assert.Equal(
            [nameof(ScoreFraudActivity), nameof(ReserveStockActivity), nameof(ChargePaymentActivity), nameof(CreateShipmentActivity),
             nameof(ConfirmReservationActivity), nameof(CancelShipmentActivity), nameof(RefundPaymentActivity), nameof(ReleaseStockActivity)],
            _saga.Steps);
        Assert.Equal([OrderEventKind.StockReserved, OrderEventKind.Paid, OrderEventKind.Shipped, OrderEventKind.Cancelled], _saga.Recorded.Select(e => e.Kind));
        Assert.True(_saga.Recorded[^1].Refunded);
        Assert.All(_saga.Calls.Where(c => c.Activity is nameof(CancelShipmentActivity) or nameof(RefundPaymentActivity) or nameof(ReleaseStockActivity)),
            c => Assert.Equal(_saga.Order.OrderId, c.Input));
    }

    [Fact]
    public async Task Every_activity_gets_the_order_its_id_or_a_step_of_it_with_an_event_id_of_its_own()
    {
        await _saga.RunAsync();
        Assert.All(_saga.Calls.Where(c => c.Activity != nameof(RecordOrderEventActivity)),
            c => Assert.True(
                ReferenceEquals(c.Input, _saga.Order) || Equals(c.Input, _saga.Order.OrderId) || c.Input is SagaStep step && ReferenceEquals(step.Order, _saga.Order),
                c.Activity));
        var stepEvents = _saga.Calls.Select(c => c.Input).OfType<SagaStep>().Select(s => s.EventId).ToList();
        Assert.Equal(4, stepEvents.Count);
        Assert.Equal(4, stepEvents.Distinct().Count());
    }

    [Fact]
    public async Task A_shipment_that_cannot_be_cancelled_does_not_stop_the_refund_and_release()
    {
        _saga.Answers[nameof(ConfirmReservationActivity)] = _ => throw SagaContext.ExhaustedRetries(nameof(ConfirmReservationActivity), "inventory down");
        _saga.Answers[nameof(CancelShipmentActivity)] = _ => StepOutcome.Refused("The shipment could not be cancelled: delivered");

        Assert.Equal(OrderStatus.Cancelled, (await _saga.RunAsync()).Status);
        Assert.Equal([nameof(CancelShipmentActivity), nameof(RefundPaymentActivity), nameof(ReleaseStockActivity)], _saga.Steps.TakeLast(3));
    }
}
