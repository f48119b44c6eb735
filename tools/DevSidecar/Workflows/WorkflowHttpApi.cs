using System.Globalization;
using System.Text.RegularExpressions;
using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace ShopDapr.DevSidecar.Workflows;

/// <summary>daprd's HTTP workflow API, <c>/v1.0/workflows/dapr/...</c> (pkg/http/api_workflow.go).</summary>
internal static partial class WorkflowHttpApi
{
    public const string Component = "dapr";
    private const int MaxInstanceIdLength = 64;

    public static void MapWorkflowApi(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/workflows/{component}");
        group.MapPost("/{name}/start", Start);
        group.MapGet("/{instanceId}", Get);
        group.MapPost("/{instanceId}/terminate", Terminate);
        group.MapPost("/{instanceId}/raiseEvent/{eventName}", RaiseEvent);
        group.MapPost("/{instanceId}/pause", Pause);
        group.MapPost("/{instanceId}/resume", Resume);
        group.MapPost("/{instanceId}/purge", Purge);
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]+$")]
    private static partial Regex InstanceIdPattern();

    private static async Task<IResult> Start(string component, string name, HttpRequest request, WorkflowEngine engine, CancellationToken cancellationToken)
    {
        if (CheckComponent(component) is { } bad)
            return bad;
        var instanceId = request.Query["instanceID"].ToString();
        if (instanceId.Length > MaxInstanceIdLength)
            return Error(400, "ERR_INSTANCE_ID_TOO_LONG", $"workflow instance ID exceeds the max length of {MaxInstanceIdLength} characters");
        if (instanceId.Length > 0 && !InstanceIdPattern().IsMatch(instanceId))
            return Error(400, "ERR_INSTANCE_ID_INVALID", $"workflow instance ID '{instanceId}' is invalid: only alphanumeric and underscore characters are allowed");
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(cancellationToken);
        try
        {
            var id = await engine.StartAsync(name, instanceId, body.Length == 0 ? null : body, startAt: null,
                WorkflowTrace.FromHeaders(request.Headers.TraceParent.ToString(), request.Headers.TraceState.ToString()), cancellationToken);
            return Results.Json(new Dictionary<string, string> { ["instanceID"] = id }, statusCode: StatusCodes.Status202Accepted);
        }
        catch (WorkflowStateConflictException e)
        {
            return Error(409, "ERR_START_WORKFLOW", $"error starting workflow '{name}': {e.Message}");
        }
    }

    private static async Task<IResult> Get(string component, string instanceId, WorkflowEngine engine, CancellationToken cancellationToken)
    {
        if (CheckComponent(component) is { } bad)
            return bad;
        var state = await engine.GetAsync(instanceId, withPayloads: true, cancellationToken);
        return state is null ? NotFound(instanceId) : Results.Json(Describe(state));
    }

    private static Task<IResult> Terminate(string component, string instanceId, HttpRequest request, WorkflowEngine engine, CancellationToken cancellationToken) =>
        Act(component, instanceId, "ERR_TERMINATE_WORKFLOW",
            () => engine.TerminateAsync(instanceId, output: null, recursive: request.Query["non_recursive"] != "true", cancellationToken));

    private static async Task<IResult> RaiseEvent(string component, string instanceId, string eventName, HttpRequest request, WorkflowEngine engine, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(cancellationToken);
        return await Act(component, instanceId, "ERR_RAISE_EVENT_WORKFLOW",
            () => engine.RaiseEventAsync(instanceId, eventName, body.Length == 0 ? null : body, cancellationToken));
    }

    private static Task<IResult> Pause(string component, string instanceId, WorkflowEngine engine, CancellationToken cancellationToken) =>
        Act(component, instanceId, "ERR_PAUSE_WORKFLOW", () => engine.SuspendAsync(instanceId, reason: null, cancellationToken));

    private static Task<IResult> Resume(string component, string instanceId, WorkflowEngine engine, CancellationToken cancellationToken) =>
        Act(component, instanceId, "ERR_RESUME_WORKFLOW", () => engine.ResumeAsync(instanceId, reason: null, cancellationToken));

    private static Task<IResult> Purge(string component, string instanceId, HttpRequest request, WorkflowEngine engine, CancellationToken cancellationToken) =>
        Act(component, instanceId, "ERR_PURGE_WORKFLOW", async () =>
        {
            if (await engine.PurgeAsync(instanceId, recursive: request.Query["non_recursive"] != "true", cancellationToken) == 0)
                throw new WorkflowNotFoundException(instanceId);
        });

    private static async Task<IResult> Act(string component, string instanceId, string errorCode, Func<Task> action)
    {
        if (CheckComponent(component) is { } bad)
            return bad;
        try
        {
            await action();
            return Results.StatusCode(StatusCodes.Status202Accepted);
        }
        catch (WorkflowNotFoundException)
        {
            return NotFound(instanceId);
        }
        catch (WorkflowStateConflictException e)
        {
            return Error(409, errorCode, e.Message);
        }
    }

    /// <summary>daprd's GetWorkflowResponse as JSON; each property only when set.</summary>
    internal static Dictionary<string, object> Describe(Dapr.DurableTask.Protobuf.WorkflowState state)
    {
        var properties = new Dictionary<string, string>();
        if (state.Input is { } input)
            properties["dapr.workflow.input"] = input;
        if (state.Output is { } output)
            properties["dapr.workflow.output"] = output;
        if (state.CustomStatus is { } custom)
            properties["dapr.workflow.custom_status"] = custom;
        if (state.FailureDetails is { } failure)
        {
            properties["dapr.workflow.failure.error_type"] = failure.ErrorType;
            properties["dapr.workflow.failure.error_message"] = failure.ErrorMessage;
        }
        return new Dictionary<string, object>
        {
            ["instanceID"] = state.InstanceId,
            ["workflowName"] = state.Name,
            ["createdAt"] = Format(state.CreatedTimestamp),
            ["lastUpdatedAt"] = Format(state.LastUpdatedTimestamp),
            ["runtimeStatus"] = StatusName(state.WorkflowStatus),
            ["properties"] = properties,
        };
    }

    /// <summary><c>ORCHESTRATION_STATUS_RUNNING</c> → <c>RUNNING</c>, as daprd reports it.</summary>
    internal static string StatusName(OrchestrationStatus status) => status switch
    {
        OrchestrationStatus.Running => "RUNNING",
        OrchestrationStatus.Completed => "COMPLETED",
        OrchestrationStatus.ContinuedAsNew => "CONTINUED_AS_NEW",
        OrchestrationStatus.Failed => "FAILED",
        OrchestrationStatus.Canceled => "CANCELED",
        OrchestrationStatus.Terminated => "TERMINATED",
        OrchestrationStatus.Pending => "PENDING",
        OrchestrationStatus.Suspended => "SUSPENDED",
        OrchestrationStatus.Stalled => "STALLED",
        _ => status.ToString().ToUpperInvariant(),
    };

    private static string Format(Timestamp? t) =>
        t is null ? "" : t.ToDateTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static IResult? CheckComponent(string component) =>
        component == Component ? null : Error(400, "ERR_WORKFLOW_COMPONENT_NOT_FOUND", $"workflow component '{component}' does not exist");

    private static IResult NotFound(string instanceId) =>
        Error(404, "ERR_INSTANCE_ID_NOT_FOUND", $"unable to find workflow with the provided instance ID: {instanceId}");

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new Dictionary<string, string> { ["errorCode"] = code, ["message"] = message }, statusCode: status);
}
