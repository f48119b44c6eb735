using Dapr.Client.Autogen.Grpc.v1;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.MetadataApi;

/// <summary>
/// A feature's part of the metadata answer (pub/sub its subscriptions, actors the actor runtime, …). Register with
/// <c>services.AddSingleton&lt;IMetadataContributor, X&gt;()</c>; each one fills its fields of the response, which the
/// HTTP API then renders in daprd's JSON shape.
/// </summary>
public interface IMetadataContributor
{
    void Contribute(GetMetadataResponse response);
}

/// <summary>A component that knows the capabilities daprd lists for it (<c>ETAG</c>, <c>TRANSACTIONAL</c>, <c>TTL</c>, <c>ACTOR</c> …).</summary>
public interface IComponentCapabilities
{
    IReadOnlyList<string> Capabilities { get; }
}

internal static class ComponentCapabilities
{
    /// <summary>What a component declares, else what every dev sidecar state store supports (atomic transactions, ETags, TTL).</summary>
    public static IEnumerable<string> Of(object component) => component switch
    {
        IComponentCapabilities declared => declared.Capabilities,
        IStateStore => component is IStateStoreInfo { IsActorStateStore: true }
            ? ["ETAG", "TRANSACTIONAL", "TTL", "ACTOR"]
            : ["ETAG", "TRANSACTIONAL", "TTL"],
        _ => [],
    };
}
