using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.Core;
using ShopDapr.DevSidecar.Grpc;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.State;

/// <summary>The state half of the Dapr gRPC API.</summary>
internal sealed class StateGrpcApi(SidecarContext sidecar) : IDaprGrpcApi
{
    public void Bind(GrpcMethodTable<DaprGrpcService> methods)
    {
        methods.Unary<GetStateRequest, GetStateResponse>("GetState", GetState);
        methods.Unary<SaveStateRequest, Google.Protobuf.WellKnownTypes.Empty>("SaveState", SaveState);
    }

    private IStateStore Store(string name) =>
        sidecar.Components.TryGet<IStateStore>(name, out var store)
            ? store
            : throw new RpcException(new Status(StatusCode.InvalidArgument, $"state store {name} is not found"));

    private async Task<GetStateResponse> GetState(GetStateRequest request, ServerCallContext call)
    {
        var store = Store(request.StoreName);
        var entry = await store.GetAsync(StateKeys.Prefix(store, request.StoreName, sidecar.AppId, request.Key), call.CancellationToken);
        return entry is null
            ? new GetStateResponse()
            : new GetStateResponse { Data = ByteString.CopyFrom(entry.Value), Etag = entry.ETag };
    }

    private async Task<Google.Protobuf.WellKnownTypes.Empty> SaveState(SaveStateRequest request, ServerCallContext call)
    {
        var store = Store(request.StoreName);
        var ops = request.States.Select(s => (StateOperation)new StateUpsert(
            StateKeys.Prefix(store, request.StoreName, sidecar.AppId, s.Key), s.Value.ToByteArray(), s.Etag?.Value)).ToList();
        try
        {
            await store.TransactAsync(ops, call.CancellationToken);
        }
        catch (ETagMismatchException e)
        {
            throw new RpcException(new Status(StatusCode.Aborted, $"failed saving state in state store {request.StoreName}: {e.Message}"));
        }
        return new Google.Protobuf.WellKnownTypes.Empty();
    }
}
