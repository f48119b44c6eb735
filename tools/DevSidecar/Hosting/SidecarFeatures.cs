using ShopDapr.DevSidecar.Actors;
using ShopDapr.DevSidecar.Bindings;
using ShopDapr.DevSidecar.Config;
using ShopDapr.DevSidecar.Crypto;
using ShopDapr.DevSidecar.Grpc;
using ShopDapr.DevSidecar.Invocation;
using ShopDapr.DevSidecar.MetadataApi;
using ShopDapr.DevSidecar.PubSub;
using ShopDapr.DevSidecar.Resiliency;
using ShopDapr.DevSidecar.Secrets;
using ShopDapr.DevSidecar.State;
using ShopDapr.DevSidecar.Workflows;

namespace ShopDapr.DevSidecar.Hosting;

/// <summary>The building blocks one sidecar serves; each feature adds its services and maps its HTTP routes here.</summary>
internal static class SidecarFeatures
{
    public static void AddServices(IServiceCollection services)
    {
        services.AddHostedService<AppHealthProbe>();
        services.AddResiliency();
        services.AddWorkflows();
        services.AddSidecarConfiguration();
        services.AddInvocation();
        services.AddMetadata();
        services.AddSingleton<StateService>();
        services.AddSingleton<State.Outbox.StateOutbox>();
        services.AddHostedService(sp => sp.GetRequiredService<State.Outbox.StateOutbox>());
        services.AddSingleton<IDaprGrpcApi, StateGrpcApi>();
        services.AddSingleton<SecretService>();
        services.AddSingleton<IDaprGrpcApi, SecretsGrpcApi>();
        services.AddSingleton<BindingService>();
        services.AddSingleton<IDaprGrpcApi, BindingsGrpcApi>();
        services.AddHostedService<CronBindingService>();
        services.AddSingleton<CryptoService>();
        services.AddSingleton<IDaprGrpcApi, CryptoGrpcApi>();
        PubSubFeature.AddServices(services);
        services.AddActors();
    }

    public static void Map(WebApplication app)
    {
        app.UseCleanPaths(); // before routing, as daprd's CleanPathMiddleware and StripSlashesMiddleware
        app.UseRouting();
        app.UseSidecarConfiguration(); // first API step: loads the Configuration and checks dapr-api-token before any API
        app.MapInvocation();
        app.MapMetadata();
        var v1 = app.MapGroup("/v1.0");
        v1.MapGet("/healthz", (SidecarContext sidecar) => sidecar.PendingStartup() is { Count: > 0 } pending
            ? Results.Json(new { errorCode = "ERR_HEALTH_NOT_READY", message = $"dapr is not ready: [{string.Join(" ", pending)}]" }, statusCode: 500)
            : Results.NoContent());
        v1.MapGet("/healthz/outbound", () => Results.NoContent());
        app.Services.GetRequiredService<State.Outbox.StateOutbox>(); // a half-configured outbox stops start-up before any port opens
        v1.MapStateApi();
        v1.MapSecretsApi();
        v1.MapBindingsApi();
        app.MapCryptoApi();
        app.MapWorkflows(v1);
        PubSubFeature.Map(app);
        v1.MapActorApi();
    }
}
