using ShopDapr.DevSidecar.Grpc;
using ShopDapr.DevSidecar.Resiliency;
using ShopDapr.DevSidecar.State;
using ShopDapr.DevSidecar.Workflows;

namespace ShopDapr.DevSidecar.Hosting;

/// <summary>The building blocks one sidecar serves; each feature adds its services and maps its HTTP routes here.</summary>
internal static class SidecarFeatures
{
    public static void AddServices(IServiceCollection services)
    {
        services.AddSingleton<IResiliencyPolicies>(NoResiliencyPolicies.Instance);
        services.AddSingleton<IDaprGrpcApi, StateGrpcApi>();
        services.AddWorkflows();
    }

    public static void Map(WebApplication app)
    {
        var v1 = app.MapGroup("/v1.0");
        v1.MapGet("/healthz", () => Results.NoContent());
        v1.MapGet("/healthz/outbound", () => Results.NoContent());
        app.MapWorkflows(v1);
    }
}
