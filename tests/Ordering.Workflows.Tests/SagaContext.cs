using Dapr.Workflow;
using NSubstitute;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.Ordering.Workflows.Activities;

namespace ShopDapr.Ordering.Workflows.Tests;

/// <summary>
/// An NSubstitute <see cref="WorkflowContext"/> that runs the workflow without a sidecar: each activity call is recorded
/// (name and input, in order) and answered by <see cref="Answers"/> (success by default); the approval and cancel
/// events are TaskCompletionSources a test completes.
/// </summary>
public sealed class SagaContext
{
    public SagaContext()
    {
        Context.NewGuid().Returns(_ => Guid.NewGuid());
        Context.InstanceId.Returns(Order.OrderId.ToString());
        Context.WaitForExternalEventAsync<ApprovalDecision>(OrderProcessingWorkflow.ApprovalDecidedEvent, Arg.Any<TimeSpan>())
            .Returns(ci =>
            {
                ApprovalTimeouts.Add(ci.ArgAt<TimeSpan>(1));
                return Approval.Task;
            });
        Context.WaitForExternalEventAsync<CancelRequest>(OrderProcessingWorkflow.CancelRequestedEvent, Arg.Any<CancellationToken>())
            .Returns(Cancel.Task);
        Context.SetCustomStatus(Arg.Do<object?>(s => Statuses.Add(s?.ToString() ?? "")));
        Answer<FraudAssessment>();
        Answer<StepOutcome>();
        Answer<PaymentOutcome>();
        Answer<ShipmentOutcome>();
        Answer<bool>();
        Answer<long>();
    }

    public WorkflowContext Context { get; } = Substitute.For<WorkflowContext>();

    /// <summary>The order's card as cart vaulted it with payment: a token (and the last four digits), never a number.</summary>
    public const string CardToken = "card_0123456789abcdef0123456789abcdef";

    public OrderSnapshot Order { get; } = new(
        Guid.NewGuid(), "customer-1", "c1@example.com",
        [new OrderLine(Guid.NewGuid(), "SKU-1", "Hammer", 10m, 2), new OrderLine(Guid.NewGuid(), "SKU-2", "Nails", 1m, 5)],
        "EUR", new Address("Ada", "1 Main St", "Paris", "75001", "FR"), new CardOnFile(CardToken, "4242"),
        TimeSpan.FromHours(24));

    public TaskCompletionSource<ApprovalDecision> Approval { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<CancelRequest> Cancel { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<TimeSpan> ApprovalTimeouts { get; } = [];

    public List<string> Statuses { get; } = [];

    /// <summary>Every activity call, in order, with its answer (null when it threw).</summary>
    public List<(string Activity, object? Input, object? Answer)> Calls { get; } = [];

    /// <summary>Activity name → answer (or throw). Unset activities succeed.</summary>
    public Dictionary<string, Func<object?, object>> Answers { get; } = new()
    {
        [nameof(ScoreFraudActivity)] = _ => new FraudAssessment(0.1, false, []),
        [nameof(ReserveStockActivity)] = _ => StepOutcome.Done,
        [nameof(ChargePaymentActivity)] = _ => new PaymentOutcome(true, "pay-1", 25m, null),
        [nameof(CreateShipmentActivity)] = _ => new ShipmentOutcome(true, "ship-1", "TRACK-1", null),
        [nameof(CancelShipmentActivity)] = _ => StepOutcome.Done,
        [nameof(RecordOrderEventActivity)] = _ => 1L,
    };

    /// <summary>The business steps called (order-event recording left out).</summary>
    public IReadOnlyList<string> Steps => [.. Calls.Where(c => c.Activity != nameof(RecordOrderEventActivity)).Select(c => c.Activity)];

    /// <summary>
    /// The order events recorded, in order: by <see cref="RecordOrderEventActivity"/>, and by each forward step that
    /// succeeded (what the step activities append, as <c>StepActivityTests</c> checks).
    /// </summary>
    public IReadOnlyList<OrderEventDraft> Recorded =>
        [.. Calls.SelectMany<(string Activity, object? Input, object? Answer), OrderEventDraft>(c => (c.Activity, c.Input, c.Answer) switch
        {
            (nameof(RecordOrderEventActivity), OrderEventDraft draft, _) => [draft],
            (nameof(ReserveStockActivity), SagaStep step, StepOutcome { Succeeded: true }) => [step.StockReserved()],
            (nameof(ChargePaymentActivity), SagaStep step, PaymentOutcome { Succeeded: true } paid) => [step.Paid(paid)],
            (nameof(CreateShipmentActivity), SagaStep step, ShipmentOutcome { Succeeded: true } shipment) => [step.Shipped(shipment)],
            (nameof(ConfirmReservationActivity), SagaStep step, true) => [step.Completed()],
            _ => [],
        })];

    public Task<OrderOutcome> RunAsync() => new OrderProcessingWorkflow().RunAsync(Context, Order);

    /// <summary>What an activity whose retries ran out looks like to the workflow.</summary>
    public static WorkflowTaskFailedException ExhaustedRetries(string activity, string message) =>
        new($"Activity '{activity}' failed: {message}", new WorkflowTaskFailureDetails("ShopDapr.Ordering.Workflows.Clients.TransientServiceException", message, null));

    private void Answer<T>() =>
        Context.CallActivityAsync<T>(Arg.Any<string>(), Arg.Any<object?>(), Arg.Any<WorkflowTaskOptions?>())
            .Returns(ci =>
            {
                var name = ci.ArgAt<string>(0);
                var input = ci.ArgAt<object?>(1);
                if (ci.ArgAt<WorkflowTaskOptions?>(2)?.RetryPolicy is null)
                    throw new InvalidOperationException($"{name} was called without the retry policy.");
                try
                {
                    var answer = Answers.TryGetValue(name, out var answers) ? (T)answers(input) : (T)(object)true;
                    Calls.Add((name, input, answer));
                    return Task.FromResult(answer);
                }
                catch (Exception e)
                {
                    Calls.Add((name, input, null));
                    return Task.FromException<T>(e);
                }
            });
}
