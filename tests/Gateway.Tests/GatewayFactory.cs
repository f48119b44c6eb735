using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ShopDapr.Testing;

namespace ShopDapr.Gateway.Tests;

/// <summary>The gateway in-process, its sidecar a stub that records what it is asked to invoke.</summary>
public sealed class GatewayFactory : ShopAppFactory<Program>
{
    public const string SidecarToken = "gateway-sidecar-token";

    private GatewayFactory(StubSidecar sidecar, int permits)
    {
        Sidecar = sidecar;
        Settings["DAPR_HTTP_ENDPOINT"] = sidecar.Endpoint.ToString();
        Settings["DAPR_API_TOKEN"] = SidecarToken;
        Settings["Gateway:RateLimitPermits"] = permits.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Gateway:RateLimitWindow"] = "00:01:00";
        sidecar.Handler = (app, path) => path == "/openapi/v1.json"
            ? (HttpStatusCode.OK, $$$"""{"openapi":"3.1.1","info":{"title":"{{{app}}}","version":"v1"},"paths":{}}""")
            : (HttpStatusCode.OK, $$"""{"app":"{{app}}"}""");
    }

    public StubSidecar Sidecar { get; }

    /// <summary>The address the in-memory test server gives every connection (it has none of its own); null leaves none.</summary>
    public IPAddress? RemoteAddress { get; set; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter>(new RemoteAddressFilter(this)));
    }

    /// <summary>Runs before the gateway's own middleware, as a real connection's address would be there from the start.</summary>
    private sealed class RemoteAddressFilter(GatewayFactory factory) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                if (factory.RemoteAddress is { } address)
                    http.Connection.RemoteIpAddress = address;
                return nextMiddleware(http);
            });
            next(app);
        };
    }

    public static async Task<GatewayFactory> StartAsync(CancellationToken cancellationToken, int permits = 1000) =>
        new(await StubSidecar.StartAsync(cancellationToken), permits);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Sidecar.DisposeAsync();
    }
}
