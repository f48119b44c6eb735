using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using ShopDapr.DevSidecar.Grpc;

namespace ShopDapr.DevSidecar.Workflows;

/// <summary>The gRPC service <c>TaskHubSidecarService</c> (no proto package) that Dapr.Workflow's client and worker call.</summary>
public sealed class TaskHubSidecarService
{
    public const string ServiceName = "TaskHubSidecarService";
}

internal sealed class TaskHubMethodProvider(TaskHubGrpcApi api) : IServiceMethodProvider<TaskHubSidecarService>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TaskHubSidecarService> context)
    {
        var table = new GrpcMethodTable<TaskHubSidecarService>(TaskHubSidecarService.ServiceName);
        api.Bind(table);
        table.ApplyTo(context);
    }
}

/// <summary>Maps each TaskHubSidecarService method onto the sidecar's <see cref="WorkflowEngine"/>.</summary>
internal sealed class TaskHubGrpcApi(WorkflowReplica replica, WorkItemStreams streams, IHostApplicationLifetime lifetime)
{
    private WorkflowEngine Engine => replica.Engine;

    public void Bind(GrpcMethodTable<TaskHubSidecarService> methods)
    {
        methods.Unary<Empty, Empty>("Hello", (_, _) => Task.FromResult(new Empty()));
        methods.Unary<CreateInstanceRequest, CreateInstanceResponse>("StartInstance", StartInstance);
        methods.Unary<GetInstanceRequest, GetInstanceResponse>("GetInstance", GetInstance);
        methods.Unary<GetInstanceRequest, GetInstanceResponse>("WaitForInstanceStart",
            (r, c) => Wait(r, i => i.Status != OrchestrationStatus.Pending, c));
        methods.Unary<GetInstanceRequest, GetInstanceResponse>("WaitForInstanceCompletion",
            (r, c) => Wait(r, i => i.IsTerminal, c));
        methods.Unary<RaiseEventRequest, RaiseEventResponse>("RaiseEvent", RaiseEvent);
        methods.Unary<TerminateRequest, TerminateResponse>("TerminateInstance", Terminate);
        methods.Unary<SuspendRequest, SuspendResponse>("SuspendInstance", Suspend);
        methods.Unary<ResumeRequest, ResumeResponse>("ResumeInstance", Resume);
        methods.Unary<PurgeInstancesRequest, PurgeInstancesResponse>("PurgeInstances", Purge);
        methods.ServerStreaming<GetWorkItemsRequest, WorkItem>("GetWorkItems", streams.ServeAsync);
        methods.Unary<ActivityResponse, CompleteTaskResponse>("CompleteActivityTask", CompleteActivity);
        methods.Unary<WorkflowResponse, CompleteTaskResponse>("CompleteOrchestratorTask", CompleteTurn);
        methods.Unary<WorkflowResponse, CompleteTaskResponse>("CompleteWorkflowTask", CompleteTurn);
        methods.Unary<ListInstanceIDsRequest, ListInstanceIDsResponse>("ListInstanceIDs", ListInstanceIds);
        methods.Unary<GetInstanceHistoryRequest, GetInstanceHistoryResponse>("GetInstanceHistory", GetInstanceHistory);
    }

    private async Task<CreateInstanceResponse> StartInstance(CreateInstanceRequest request, ServerCallContext call)
    {
        if (string.IsNullOrEmpty(request.Name))
            throw new RpcException(new Status(StatusCode.InvalidArgument, "workflow name is not configured"));
        var id = await Guard(() => Engine.StartAsync(request.Name, request.InstanceId, request.Input, request.ScheduledStartTimestamp,
            request.ParentTraceContext ?? WorkflowTrace.FromHeaders(call.RequestHeaders.GetValue("traceparent"), call.RequestHeaders.GetValue("tracestate")),
            call.CancellationToken));
        return new CreateInstanceResponse { InstanceId = id };
    }

    private async Task<GetInstanceResponse> GetInstance(GetInstanceRequest request, ServerCallContext call)
    {
        var state = await Engine.GetAsync(request.InstanceId, request.GetInputsAndOutputs, call.CancellationToken);
        return state is null ? new GetInstanceResponse { Exists = false } : new GetInstanceResponse { Exists = true, WorkflowState = state };
    }

    private async Task<GetInstanceResponse> Wait(GetInstanceRequest request, Func<InstanceRecord, bool> done, ServerCallContext call)
    {
        // A long poll ends when the sidecar stops, so shutdown does not wait for it; the SDK retries Unavailable.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(call.CancellationToken, lifetime.ApplicationStopping);
        Dapr.DurableTask.Protobuf.WorkflowState? state;
        try
        {
            state = await Engine.WaitAsync(request.InstanceId, done, request.GetInputsAndOutputs, ended.Token);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the sidecar is shutting down"));
        }
        return state is null ? new GetInstanceResponse { Exists = false } : new GetInstanceResponse { Exists = true, WorkflowState = state };
    }

    private async Task<RaiseEventResponse> RaiseEvent(RaiseEventRequest request, ServerCallContext call)
    {
        await Guard(() => Engine.RaiseEventAsync(request.InstanceId, request.Name, request.Input, call.CancellationToken));
        return new RaiseEventResponse();
    }

    private async Task<TerminateResponse> Terminate(TerminateRequest request, ServerCallContext call)
    {
        await Guard(() => Engine.TerminateAsync(request.InstanceId, request.Output, request.Recursive, call.CancellationToken));
        return new TerminateResponse();
    }

    private async Task<SuspendResponse> Suspend(SuspendRequest request, ServerCallContext call)
    {
        await Guard(() => Engine.SuspendAsync(request.InstanceId, request.Reason, call.CancellationToken));
        return new SuspendResponse();
    }

    private async Task<ResumeResponse> Resume(ResumeRequest request, ServerCallContext call)
    {
        await Guard(() => Engine.ResumeAsync(request.InstanceId, request.Reason, call.CancellationToken));
        return new ResumeResponse();
    }

    private async Task<PurgeInstancesResponse> Purge(PurgeInstancesRequest request, ServerCallContext call)
    {
        var count = request.RequestCase == PurgeInstancesRequest.RequestOneofCase.PurgeInstanceFilter
            ? await Engine.PurgeMatchingAsync(request.PurgeInstanceFilter, request.Recursive, call.CancellationToken)
            : await Guard(() => Engine.PurgeAsync(request.InstanceId, request.Recursive, call.CancellationToken));
        return new PurgeInstancesResponse { DeletedInstanceCount = count, IsComplete = true };
    }

    private async Task<CompleteTaskResponse> CompleteActivity(ActivityResponse response, ServerCallContext call)
    {
        await Engine.CompleteActivityAsync(response, call.CancellationToken);
        return new CompleteTaskResponse();
    }

    private async Task<CompleteTaskResponse> CompleteTurn(WorkflowResponse response, ServerCallContext call)
    {
        await Engine.CompleteTurnAsync(response, call.CancellationToken);
        return new CompleteTaskResponse();
    }

    private async Task<ListInstanceIDsResponse> ListInstanceIds(ListInstanceIDsRequest request, ServerCallContext call)
    {
        var ids = await Engine.ListIdsAsync(call.CancellationToken);
        var start = int.TryParse(request.ContinuationToken, out var s) && s > 0 ? s : 0;
        var size = request.PageSize == 0 ? ids.Count : (int)Math.Min(request.PageSize, int.MaxValue);
        var page = ids.Skip(start).Take(size).ToList();
        var response = new ListInstanceIDsResponse();
        response.InstanceIds.AddRange(page);
        if (start + page.Count < ids.Count)
            response.ContinuationToken = (start + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return response;
    }

    private async Task<GetInstanceHistoryResponse> GetInstanceHistory(GetInstanceHistoryRequest request, ServerCallContext call)
    {
        var events = await Guard(() => Engine.HistoryAsync(request.InstanceId, call.CancellationToken));
        var response = new GetInstanceHistoryResponse();
        response.Events.AddRange(events);
        return response;
    }

    private static async Task Guard(Func<Task> call) => await Guard(async () => { await call(); return true; });

    /// <summary>daprd's status codes for the engine's refusals.</summary>
    private static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (WorkflowNotFoundException e)
        {
            throw new RpcException(new Status(StatusCode.NotFound, e.Message));
        }
        catch (WorkflowStateConflictException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }
    }
}
