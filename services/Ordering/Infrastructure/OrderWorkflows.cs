using Dapr.Workflow;
using Grpc.Core;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Ordering.Workflows;

namespace ShopDapr.Ordering.Infrastructure;

/// <summary>The ordering service's handle on its workflows (a seam, so the API is tested without a workflow engine).</summary>
public interface IOrderWorkflows
{
    /// <summary>Starts the order's workflow (instance id = order id); an instance that already exists counts as started.</summary>
    Task StartAsync(OrderSnapshot order, CancellationToken cancellationToken);

    Task RaiseApprovalAsync(Guid orderId, ApprovalDecision decision, CancellationToken cancellationToken);

    Task RaiseCancelAsync(Guid orderId, CancelRequest request, CancellationToken cancellationToken);
}

/// <summary><see cref="IOrderWorkflows"/> over the Dapr workflow client.</summary>
public sealed partial class DaprOrderWorkflows(DaprWorkflowClient workflows, ILogger<DaprOrderWorkflows> logger) : IOrderWorkflows
{
    public async Task StartAsync(OrderSnapshot order, CancellationToken cancellationToken)
    {
        try
        {
            await workflows.ScheduleNewWorkflowAsync(nameof(OrderProcessingWorkflow), order.OrderId.ToString(), order, null, cancellationToken);
        }
        catch (Exception e) when (IsAlreadyExists(e))
        {
            // A retried checkout: the order's workflow runs already, which is what we wanted.
            LogAlreadyStarted(logger, order.OrderId);
        }
    }

    /// <summary>daprd answers a duplicate instance id with AlreadyExists or with "… already exists" in the status detail.</summary>
    internal static bool IsAlreadyExists(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is RpcException rpc && (rpc.StatusCode == StatusCode.AlreadyExists || rpc.Status.Detail.Contains("already exists", StringComparison.OrdinalIgnoreCase)))
                return true;
        return false;
    }

    public Task RaiseApprovalAsync(Guid orderId, ApprovalDecision decision, CancellationToken cancellationToken) =>
        workflows.RaiseEventAsync(orderId.ToString(), OrderProcessingWorkflow.ApprovalDecidedEvent, decision, cancellationToken);

    public Task RaiseCancelAsync(Guid orderId, CancelRequest request, CancellationToken cancellationToken) =>
        workflows.RaiseEventAsync(orderId.ToString(), OrderProcessingWorkflow.CancelRequestedEvent, request, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "The workflow of order {OrderId} already exists")]
    private static partial void LogAlreadyStarted(ILogger logger, Guid orderId);
}
