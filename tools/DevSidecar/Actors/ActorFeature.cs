using ShopDapr.DevSidecar.MetadataApi;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>Registers the actor building block in one sidecar: hosting, placement, reminders, timers, idle deactivation, HTTP API.</summary>
internal static class ActorFeature
{
    public static void AddActors(this IServiceCollection services)
    {
        services.AddSingleton<ActorAppClient>();
        services.AddSingleton<HostedActors>();
        services.AddHostedService(sp => sp.GetRequiredService<HostedActors>());
        services.AddSingleton<ActorPlacement>();
        services.AddSingleton<ActorRouter>();
        services.AddSingleton<ActorReminders>();
        services.AddSingleton<ReminderScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<ReminderScheduler>());
        services.AddHostedService<IdleActorScanner>();
        services.AddSingleton<IMetadataContributor, ActorMetadata>();
    }
}
