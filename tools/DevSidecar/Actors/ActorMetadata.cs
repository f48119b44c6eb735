using Dapr.Client.Autogen.Grpc.v1;
using ShopDapr.DevSidecar.MetadataApi;
using ProtoActorRuntime = Dapr.Client.Autogen.Grpc.v1.ActorRuntime;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>The actor runtime's part of the metadata API: status, whether the app hosts actor types, active actors per type.</summary>
internal sealed class ActorMetadata(HostedActors hosted) : IMetadataContributor
{
    public void Contribute(GetMetadataResponse response)
    {
        // daprd runs no actor runtime without an actor state store: the reader's DISABLED stands.
        if (!ActorStateStore.Exists(hosted.Sidecar))
            return;
        var ready = hosted.Config.IsCompletedSuccessfully;
        var counts = hosted.Active.GroupBy(a => a.Key.Type, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ActiveActorsCount { Type = g.Key, Count = g.Count() }).ToList();
        response.ActorRuntime = new ProtoActorRuntime
        {
            RuntimeStatus = ProtoActorRuntime.Types.ActorRuntimeStatus.Running,
            HostReady = ready && hosted.Config.Result.Entities.Count > 0,
            Placement = "placement: connected",
            ActiveActors = { counts },
        };
#pragma warning disable CS0612 // daprd still fills the deprecated top-level list
        response.ActiveActorsCount.Add(counts);
#pragma warning restore CS0612
    }
}
