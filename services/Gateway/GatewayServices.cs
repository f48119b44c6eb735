using ShopDapr.Gateway.Clients;
using ShopDapr.Gateway.Docs;
using ShopDapr.Gateway.RateLimiting;
using ShopDapr.Gateway.Routing;
using ShopDapr.ServiceDefaults.Configuration;
using Yarp.ReverseProxy.Configuration;

namespace ShopDapr.Gateway;

public static class GatewayServices
{
    public static IHostApplicationBuilder AddGatewayServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<GatewayOptions>(GatewayOptions.Section);
        builder.Services.AddSingleton<IProxyConfigProvider, SidecarProxyConfigProvider>();
        builder.Services.AddReverseProxy().AddTransforms<DaprInvokeTransforms>();
        builder.Services.AddForwardedClients();
        builder.Services.AddClientRateLimiting();
        builder.Services.AddSingleton<AppDocuments>();
        return builder;
    }
}
