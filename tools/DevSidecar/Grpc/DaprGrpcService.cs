using Grpc.AspNetCore.Server.Model;

namespace ShopDapr.DevSidecar.Grpc;

/// <summary>The gRPC service <c>dapr.proto.runtime.v1.Dapr</c>; its methods come from every <see cref="IDaprGrpcApi"/>.</summary>
public sealed class DaprGrpcService
{
    public const string ServiceName = "dapr.proto.runtime.v1.Dapr";
}

/// <summary>A feature's share of the Dapr gRPC API (state, pub/sub, secrets …).</summary>
public interface IDaprGrpcApi
{
    void Bind(GrpcMethodTable<DaprGrpcService> methods);
}

internal sealed class DaprGrpcMethodProvider(IEnumerable<IDaprGrpcApi> apis) : IServiceMethodProvider<DaprGrpcService>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<DaprGrpcService> context)
    {
        var table = new GrpcMethodTable<DaprGrpcService>(DaprGrpcService.ServiceName);
        foreach (var api in apis)
            api.Bind(table);
        table.ApplyTo(context);
    }
}
