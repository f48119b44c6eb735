using Dapr.DurableTask.Protobuf;

namespace ShopDapr.DevSidecar.Config;

/// <summary>
/// <c>spec.workflow.stateRetentionPolicy</c> of the Configuration, as daprd reads it: how long a workflow instance stays
/// in the state store once it reached a terminal status. A status's own duration wins over <c>anyTerminal</c>; a status
/// with neither is kept until purged explicitly. The time counts from the instance's completion. Canceled and other
/// terminal statuses daprd has no field for fall under <c>anyTerminal</c>.
/// </summary>
public sealed record WorkflowRetentionPolicy(TimeSpan? AnyTerminal, TimeSpan? Completed, TimeSpan? Failed, TimeSpan? Terminated)
{
    /// <summary>No policy: finished instances stay until a purge.</summary>
    public static readonly WorkflowRetentionPolicy None = new(null, null, null, null);

    public bool IsSet => AnyTerminal is not null || Completed is not null || Failed is not null || Terminated is not null;

    /// <summary>How long an instance that ended with <paramref name="status"/> is kept; null: until purged.</summary>
    public TimeSpan? For(OrchestrationStatus status) => status switch
    {
        OrchestrationStatus.Completed when Completed is not null => Completed,
        OrchestrationStatus.Terminated when Terminated is not null => Terminated,
        OrchestrationStatus.Failed when Failed is not null => Failed,
        _ => AnyTerminal,
    };
}
