using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using ShopDapr.DevSidecar.Grpc;
using ShopDapr.DevSidecar.State.Outbox;

namespace ShopDapr.DevSidecar.State;

/// <summary>The state half of the Dapr gRPC API, with daprd's status codes (see <see cref="StateService"/>).</summary>
internal sealed class StateGrpcApi(StateService state) : IDaprGrpcApi
{
    public void Bind(GrpcMethodTable<DaprGrpcService> methods)
    {
        methods.Unary<GetStateRequest, GetStateResponse>("GetState", (r, c) => Guard(() => GetState(r, c)));
        methods.Unary<GetBulkStateRequest, GetBulkStateResponse>("GetBulkState", (r, c) => Guard(() => GetBulkState(r, c)));
        methods.Unary<SaveStateRequest, Empty>("SaveState", (r, c) => Guard(() => SaveState(r, c)));
        methods.Unary<DeleteStateRequest, Empty>("DeleteState", (r, c) => Guard(() => DeleteState(r, c)));
        methods.Unary<DeleteBulkStateRequest, Empty>("DeleteBulkState", (r, c) => Guard(() => DeleteBulkState(r, c)));
        methods.Unary<ExecuteStateTransactionRequest, Empty>("ExecuteStateTransaction", (r, c) => Guard(() => Transact(r, c)));
    }

    private static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (DaprApiException e)
        {
            throw e.ToRpc();
        }
    }

    private async Task<GetStateResponse> GetState(GetStateRequest request, ServerCallContext call)
    {
        var target = state.Find(request.StoreName);
        var entry = await state.GetAsync(target, request.Key, call.CancellationToken);
        if (entry is null)
            return new GetStateResponse();
        var response = new GetStateResponse { Data = ByteString.CopyFrom(entry.Value), Etag = entry.ETag };
        response.Metadata.Add(StateRules.ResponseMetadata(entry));
        return response;
    }

    private async Task<GetBulkStateResponse> GetBulkState(GetBulkStateRequest request, ServerCallContext call)
    {
        var target = state.Find(request.StoreName);
        var response = new GetBulkStateResponse();
        foreach (var (key, entry, error) in await state.GetBulkAsync(target, request.Keys, request.Parallelism, call.CancellationToken))
        {
            var item = new BulkStateItem { Key = key, Error = error ?? "" };
            if (entry is not null)
            {
                item.Data = ByteString.CopyFrom(entry.Value);
                item.Etag = entry.ETag;
                item.Metadata.Add(StateRules.ResponseMetadata(entry));
            }
            response.Items.Add(item);
        }
        return response;
    }

    private async Task<Empty> SaveState(SaveStateRequest request, ServerCallContext call)
    {
        var target = state.Find(request.StoreName);
        if (request.States.Count == 0)
            return new Empty();
        var ops = new List<StateOperation>(request.States.Count);
        foreach (var item in request.States)
        {
            if (string.IsNullOrEmpty(item.Key))
                throw new RpcException(new Status(StatusCode.InvalidArgument, "state key cannot be empty"));
            ops.Add(StateService.Upsert(target, Write(item)));
        }
        await state.SaveAsync(target, ops, call.CancellationToken);
        return new Empty();
    }

    private async Task<Empty> DeleteState(DeleteStateRequest request, ServerCallContext call)
    {
        var target = state.Find(request.StoreName);
        var op = StateService.Delete(target, new StateWrite(request.Key, null, request.Etag?.Value, Concurrency(request.Options), request.Metadata));
        await state.DeleteAsync(target, request.Key, op, call.CancellationToken);
        return new Empty();
    }

    private async Task<Empty> DeleteBulkState(DeleteBulkStateRequest request, ServerCallContext call)
    {
        var target = state.Find(request.StoreName);
        var ops = request.States.Select(s => StateService.Delete(target, Write(s))).ToList();
        if (ops.Count > 0)
            await state.DeleteBulkAsync(target, ops, call.CancellationToken);
        return new Empty();
    }

    private async Task<Empty> Transact(ExecuteStateTransactionRequest request, ServerCallContext call)
    {
        var target = state.Find(request.StoreName);
        var items = new List<TransactionItem>(request.Operations.Count);
        foreach (var op in request.Operations)
        {
            var write = Write(op.Request ?? new StateItem());
            items.Add(new TransactionItem(op.OperationType switch
            {
                "upsert" => StateService.Upsert(target, write),
                "delete" => StateService.Delete(target, write),
                var other => throw new RpcException(new Status(StatusCode.Unimplemented, $"operation type {other} not supported")),
            }, write.Metadata));
        }
        if (items.Count > 0)
            await state.TransactAsync(target, items, Header(call, "traceparent"), Header(call, "tracestate"), call.CancellationToken);
        return new Empty();
    }

    private static string? Header(ServerCallContext call, string name) => call.RequestHeaders.GetValue(name);

    private static StateWrite Write(StateItem item) =>
        new(item.Key, item.Value.ToByteArray(), item.Etag?.Value, Concurrency(item.Options), item.Metadata);

    private static string? Concurrency(StateOptions? options) => options?.Concurrency switch
    {
        StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite => "first-write",
        StateOptions.Types.StateConcurrency.ConcurrencyLastWrite => "last-write",
        _ => null,
    };
}
