using ShopDapr.DevSidecar.Grpc;

namespace ShopDapr.DevSidecar.Invocation;

/// <summary>Service invocation: the caller side, the target side, and the HTTP and gRPC APIs.</summary>
internal static class InvocationFeature
{
    public static IServiceCollection AddInvocation(this IServiceCollection services) =>
        services
            .AddSingleton<ServiceInvoker>()
            .AddSingleton<LocalInvoker>()
            .AddSingleton<IDaprGrpcApi, GrpcInvocationApi>();
}
