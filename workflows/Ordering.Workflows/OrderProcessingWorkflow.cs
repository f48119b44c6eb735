using Dapr.Workflow;
using Microsoft.Extensions.Logging;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Ordering.Workflows.Activities;

namespace ShopDapr.Ordering.Workflows;

/// <summary>
/// The checkout saga of one order (instance id = order id): score fraud (a high risk waits for an admin), reserve
/// stock, charge, ship, confirm the reservation. A refusal, an exhausted retry, a rejected approval or a customer's
/// cancel undoes what was done, in reverse, and records <see cref="OrderCancelled"/>.
/// </summary>
public sealed partial class OrderProcessingWorkflow : Workflow<OrderSnapshot, OrderOutcome>
{
    public const string ApprovalDecidedEvent = "ApprovalDecided";
    public const string CancelRequestedEvent = "CancelRequested";

    /// <summary>
    /// For transient faults (5xx, timeouts): activities throw only those; refusals come back as outcomes. 8 attempts over
    /// about 90 s (1, 2, 4, 8, 16, 30, 30 s apart): longer than a callee's restart plus the 30 s a tripped circuit breaker
    /// stays open (components/local/resiliency.yaml, appBreaker), so a service that is away for seconds delays orders
    /// instead of cancelling them. (5 attempts, ~15 s, all fell inside the open breaker when payment was restarted.)
    /// </summary>
    private static readonly WorkflowTaskOptions RetryTransientFaults = new(new WorkflowRetryPolicy(
        maxNumberOfAttempts: 8, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(30)));

    /// <summary>
    /// For the undo steps, which must outlast an outage of the service they undo: given up, the workflow would fail with
    /// the stock still held, perhaps the money still taken, and the order never ending. About 9 minutes (1, 2, 4 … 32 s,
    /// then every minute), far past a restart and a tripped circuit breaker (components/local/resiliency.yaml: 30 s open).
    /// </summary>
    private static readonly WorkflowTaskOptions RetryUntilUndone = new(new WorkflowRetryPolicy(
        maxNumberOfAttempts: 15, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(1)));

    public override async Task<OrderOutcome> RunAsync(WorkflowContext context, OrderSnapshot order)
    {
        var log = context.CreateReplaySafeLogger<OrderProcessingWorkflow>();
        using var stopWaiting = new CancellationTokenSource();
        var cancelRequested = context.WaitForExternalEventAsync<CancelRequest>(CancelRequestedEvent, stopWaiting.Token);
        // A step counts as done from the moment it is tried: a call whose retries ran out may still have reserved, charged or
        // shipped, and every undo is idempotent (undoing nothing is fine). Only a clean refusal proves nothing happened.
        bool reserved = false, charged = false, shipped = false;
        try
        {
            context.SetCustomStatus("ScoringFraud");
            var fraud = await context.CallActivityAsync<FraudAssessment>(nameof(ScoreFraudActivity), order, RetryTransientFaults);
            if (fraud.HighRisk)
            {
                context.SetCustomStatus("AwaitingApproval");
                await RecordAsync(context, OrderEventDraft.For(context.NewGuid(), order, OrderEventKind.AwaitingApproval) with
                {
                    FraudScore = fraud.Score,
                    Reasons = fraud.Reasons,
                    ScoredBy = fraud.ScoredBy,
                });
                LogHeld(log, order.OrderId, fraud.Score);
                await WaitForApprovalAsync(context, order, cancelRequested);
            }
            StopIfCancelled(cancelRequested);

            // Each forward step records its own order event (StockReserved, OrderPaid, OrderShipped, OrderCompleted) once
            // it is done, under an event id drawn here, so a replay hands the step the same id.
            context.SetCustomStatus("ReservingStock");
            reserved = true;
            var reservation = await context.CallActivityAsync<StepOutcome>(nameof(ReserveStockActivity), Step(context, order), RetryTransientFaults);
            if (!reservation.Succeeded)
            {
                reserved = false; // all lines or none: a refusal reserved nothing
                throw new OrderStepRefusedException(reservation.FailureReason ?? "The stock could not be reserved.");
            }
            StopIfCancelled(cancelRequested);

            context.SetCustomStatus("ChargingPayment");
            charged = true;
            var payment = await context.CallActivityAsync<PaymentOutcome>(nameof(ChargePaymentActivity), Step(context, order), RetryTransientFaults);
            if (!payment.Succeeded)
            {
                charged = false; // declined: nothing was taken
                throw new OrderStepRefusedException(payment.FailureReason ?? "The payment failed.");
            }

            context.SetCustomStatus("CreatingShipment");
            shipped = true;
            var shipment = await context.CallActivityAsync<ShipmentOutcome>(nameof(CreateShipmentActivity), Step(context, order), RetryTransientFaults);
            if (!shipment.Succeeded)
            {
                shipped = false; // refused: no shipment exists
                throw new OrderStepRefusedException(shipment.FailureReason ?? "The shipment could not be created.");
            }

            context.SetCustomStatus("ConfirmingReservation");
            await context.CallActivityAsync<bool>(nameof(ConfirmReservationActivity), Step(context, order), RetryTransientFaults);

            context.SetCustomStatus("Completed");
            LogCompleted(log, order.OrderId);
            return new OrderOutcome(OrderStatus.Completed, null);
        }
        catch (Exception e) when (e is OrderStepRefusedException or WorkflowTaskFailedException)
        {
            context.SetCustomStatus("Compensating");
            LogCompensating(log, order.OrderId, e.Message);
            // Undo, bottom-up: the last step done is undone first.
            if (shipped && await context.CallActivityAsync<StepOutcome>(nameof(CancelShipmentActivity), order.OrderId, RetryUntilUndone) is { Succeeded: false } kept)
                LogNotUndone(log, order.OrderId, kept.FailureReason);
            var refunded = charged && await context.CallActivityAsync<bool>(nameof(RefundPaymentActivity), order.OrderId, RetryUntilUndone);
            if (reserved)
                await context.CallActivityAsync<bool>(nameof(ReleaseStockActivity), order.OrderId, RetryUntilUndone);

            await RecordAsync(context, OrderEventDraft.For(context.NewGuid(), order, OrderEventKind.Cancelled) with
            {
                Reason = e is OrderStepRefusedException ? e.Message : $"A step kept failing: {e.Message}",
                Refunded = refunded,
            });
            context.SetCustomStatus("Cancelled");
            return new OrderOutcome(OrderStatus.Cancelled, e.Message);
        }
        finally
        {
            await stopWaiting.CancelAsync();
        }
    }

    /// <summary>The admin's decision, the customer's cancel, or the timeout (a reject), whichever comes first.</summary>
    private static async Task WaitForApprovalAsync(WorkflowContext context, OrderSnapshot order, Task<CancelRequest> cancelRequested)
    {
        var decision = context.WaitForExternalEventAsync<ApprovalDecision>(ApprovalDecidedEvent, order.ApprovalTimeout);
        await Task.WhenAny(decision, cancelRequested);
        StopIfCancelled(cancelRequested);
        ApprovalDecision approval;
        try
        {
            approval = await decision;
        }
        catch (TaskCanceledException)
        {
            throw new OrderStepRefusedException($"Rejected: no approval decision within {order.ApprovalTimeout}.");
        }
        if (!approval.Approved)
            throw new OrderStepRefusedException($"Rejected by an admin: {approval.Reason ?? "no reason given"}");
    }

    private static void StopIfCancelled(Task<CancelRequest> cancelRequested)
    {
        if (cancelRequested.IsCompletedSuccessfully)
            throw new OrderStepRefusedException($"Cancelled by the customer: {cancelRequested.Result.Reason ?? "no reason given"}");
    }

    private static SagaStep Step(WorkflowContext context, OrderSnapshot order) => new(order, context.NewGuid());

    private static Task<long> RecordAsync(WorkflowContext context, OrderEventDraft draft) =>
        context.CallActivityAsync<long>(nameof(RecordOrderEventActivity), draft, RetryTransientFaults);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} held for approval (fraud score {Score})")]
    private static partial void LogHeld(ILogger logger, Guid orderId, double score);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} completed")]
    private static partial void LogCompleted(ILogger logger, Guid orderId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Order {OrderId}: the shipment could not be cancelled: {Reason}")]
    private static partial void LogNotUndone(ILogger logger, Guid orderId, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId} is being compensated: {Reason}")]
    private static partial void LogCompensating(ILogger logger, Guid orderId, string reason);
}

/// <summary>A business refusal inside the workflow (declined, out of stock, rejected, cancelled): compensate, do not retry.</summary>
public sealed class OrderStepRefusedException(string reason) : Exception(reason);
