namespace ShopDapr.DevSidecar.Workflows;

/// <summary>No instance with this id (daprd: gRPC NotFound, HTTP 404 ERR_INSTANCE_ID_NOT_FOUND).</summary>
internal sealed class WorkflowNotFoundException(string instanceId)
    : Exception($"unable to find workflow with the provided instance ID: {instanceId}")
{
    public string InstanceId { get; } = instanceId;
}

/// <summary>The instance is in a state that does not allow the request (start over a running one, purge a running one).</summary>
internal sealed class WorkflowStateConflictException(string message) : Exception(message);
