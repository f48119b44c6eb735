using ShopDapr.DevSidecar.Actors;
using ShopDapr.DevSidecar.Grpc;
using ShopDapr.DevSidecar.Resiliency;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Hosting;

/// <summary>The building blocks one sidecar serves; each feature adds its services and maps its HTTP routes here.</summary>
internal static class SidecarFeatures
{
    public static void AddServices(IServiceCollection services)
    {
        services.AddSingleton<IResiliencyPolicies>(NoResiliencyPolicies.Instance);
        services.AddSingleton<IDaprGrpcApi, StateGrpcApi>();
        services.AddActors();
    }

    public static void Map(WebApplication app)
    {
        var v1 = app.MapGroup("/v1.0");
        v1.MapGet("/healthz", () => Results.NoContent());
        v1.MapGet("/healthz/outbound", () => Results.NoContent());
        v1.MapActorApi();
    }
}
