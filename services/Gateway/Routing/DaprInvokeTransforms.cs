using ShopDapr.Gateway.Clients;
using ShopDapr.ServiceDefaults;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ShopDapr.Gateway.Routing;

/// <summary>
/// Names the target app in <c>dapr-app-id</c> (overwriting anything a client sent, so a client cannot pick a private app)
/// and authenticates to the sidecar with the Dapr API token (a client-sent one is dropped). The client's address goes in
/// <c>x-shopdapr-client-address</c>, set by the gateway alone (a client-sent one is replaced). Authorization and
/// <c>traceparent</c> pass through unchanged. A sidecar's own failure (no app answered) becomes a 503 problem
/// (<see cref="UpstreamFailures"/>).
/// </summary>
internal sealed class DaprInvokeTransforms(IConfiguration configuration) : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        if (context.Route.Metadata?.GetValueOrDefault(SidecarProxyConfigProvider.AppIdMetadata) is not { } appId)
            return;
        context.AddRequestHeader(ShopNames.Headers.DaprAppId, appId, append: false);
        if (DaprEndpoints.ApiToken(configuration) is { } token)
            context.AddRequestHeader(ShopNames.Headers.DaprApiToken, token, append: false);
        else
            context.AddRequestHeaderRemove(ShopNames.Headers.DaprApiToken);
        context.AddRequestTransform(SetClientAddress);
        context.AddResponseTransform(UpstreamFailures.ReplaceSidecarErrorAsync);
    }

    /// <summary>Identity throttles logins per (account, client) by this header; it trusts it because only the gateway sets it.</summary>
    private static ValueTask SetClientAddress(RequestTransformContext context)
    {
        context.ProxyRequest.Headers.Remove(ShopNames.Headers.ClientAddress);
        if (ForwardedClients.Address(context.HttpContext) is { } client)
            context.ProxyRequest.Headers.TryAddWithoutValidation(ShopNames.Headers.ClientAddress, client);
        return ValueTask.CompletedTask;
    }
}
