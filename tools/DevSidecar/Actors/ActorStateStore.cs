using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>The one state store component marked <c>actorStateStore: "true"</c>; daprd's actor state and reminders live there.</summary>
internal static class ActorStateStore
{
    /// <summary>The actor state store, or daprd's ERR_ACTOR_RUNTIME_NOT_FOUND when none is configured.</summary>
    public static IStateStore Get(SidecarContext sidecar) =>
        sidecar.Components.OfType<IStateStore>()
            .Select(c => c.Component)
            .FirstOrDefault(s => s is IStateStoreInfo { IsActorStateStore: true })
        ?? throw ActorErrors.RuntimeNotFound();

    public static bool Exists(SidecarContext sidecar) =>
        sidecar.Components.OfType<IStateStore>().Any(c => c.Component is IStateStoreInfo { IsActorStateStore: true });

    /// <summary>daprd's actor state key: <c>appid||type||id||key</c> (the store's keyPrefix does not apply).</summary>
    public static string StateKey(string appId, ActorKey actor, string key) => $"{appId}||{actor.Type}||{actor.Id}||{key}";

    /// <summary>Where the reminders of one actor type are kept: <c>actors||type</c>, as daprd's state-store reminders.</summary>
    public static string RemindersKey(string actorType) => $"actors||{actorType}";
}
