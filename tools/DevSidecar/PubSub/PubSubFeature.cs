using ShopDapr.DevSidecar.Grpc;
using ShopDapr.DevSidecar.PubSub.Subscriptions;

namespace ShopDapr.DevSidecar.PubSub;

/// <summary>The pub/sub building block's registrations, called from SidecarFeatures.</summary>
internal static class PubSubFeature
{
    public static void AddServices(IServiceCollection services)
    {
        services.AddSingleton<Publisher>();
        services.AddSingleton<IDaprGrpcApi, PubSubGrpcApi>();
        services.AddSingleton<SubscriptionManager>();
        services.AddSingleton<ISubscriptionView>(sp => sp.GetRequiredService<SubscriptionManager>());
        services.AddHostedService(sp => sp.GetRequiredService<SubscriptionManager>());
        services.AddSingleton<MetadataApi.IMetadataContributor, SubscriptionMetadata>();
    }

    /// <summary>Maps the HTTP API and reads the declarative subscriptions now, so a broken one stops start-up before any port opens.</summary>
    public static void Map(WebApplication app)
    {
        app.Services.GetRequiredService<SubscriptionManager>();
        app.MapPubSubApi();
    }
}
