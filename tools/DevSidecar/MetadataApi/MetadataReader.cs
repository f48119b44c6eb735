using Dapr.Client.Autogen.Grpc.v1;
using ShopDapr.DevSidecar.Config;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.MetadataApi;

/// <summary>Builds the GetMetadata answer, as daprd's universal API does, from the sidecar and every <see cref="IMetadataContributor"/>.</summary>
public sealed class MetadataReader(
    SidecarContext sidecar,
    SidecarConfiguration configuration,
    ExtendedMetadata extended,
    IEnumerable<IMetadataContributor> contributors)
{
    public const string RuntimeVersion = "dev-sidecar (1.16-compatible)";

    /// <summary>daprd still adds its version under this extended key, for older clients.</summary>
    public const string RuntimeVersionKey = "daprRuntimeVersion";

    public GetMetadataResponse Read()
    {
        var response = new GetMetadataResponse
        {
            Id = sidecar.AppId,
            RuntimeVersion = RuntimeVersion,
            EnabledFeatures = { configuration.EnabledFeatures },
            AppConnectionProperties = AppConnection(),
            // The actor feature's contributor replaces this when the app hosts actors.
            ActorRuntime = new ActorRuntime { RuntimeStatus = ActorRuntime.Types.ActorRuntimeStatus.Disabled },
        };
        foreach (var (resource, instance) in sidecar.Components.All.OrderBy(c => c.Resource.Name, StringComparer.Ordinal))
        {
            response.RegisteredComponents.Add(new RegisteredComponents
            {
                Name = resource.Name,
                Type = resource.Type,
                Version = resource.Spec.Version ?? "",
                Capabilities = { ComponentCapabilities.Of(instance) },
            });
        }
        foreach (var (key, value) in extended.Snapshot())
            response.ExtendedMetadata[key] = value;
        response.ExtendedMetadata[RuntimeVersionKey] = RuntimeVersion;
        foreach (var contributor in contributors)
            contributor.Contribute(response);
        return response;
    }

    private AppConnectionProperties AppConnection()
    {
        var channel = sidecar.Options.AppChannel;
        if (channel is null)
            return new AppConnectionProperties { Protocol = "http" };
        var address = channel.BaseAddress;
        return new AppConnectionProperties
        {
            Protocol = "http",
            ChannelAddress = address?.Host ?? "",
            // An in-process app (a handler) has no port.
            Port = channel.Handler is null && address is not null ? address.Port : 0,
        };
    }
}
