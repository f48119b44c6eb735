using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ShopDapr.Testing;

namespace ShopDapr.Gateway.Tests;

/// <summary>
/// The gateway in-process on its real DaprClient and HTTP invocation, over the real dev sidecars of
/// <see cref="GatewayUpstreams"/>; <see cref="Calls"/> are what the apps behind them received.
/// </summary>
public sealed class GatewayFactory : ShopAppFactory<Program>
{
    public const string SidecarToken = GatewayUpstreams.SidecarToken;

    private GatewayFactory(GatewayUpstreams upstreams, Uri sidecar, int permits)
    {
        Upstreams = upstreams;
        Settings["DAPR_HTTP_ENDPOINT"] = sidecar.ToString();
        Settings["DAPR_API_TOKEN"] = SidecarToken;
        Settings["Gateway:RateLimitPermits"] = permits.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Gateway:RateLimitWindow"] = "00:01:00";
    }

    public GatewayUpstreams Upstreams { get; }

    /// <summary>Every call an app received through its sidecar, in order.</summary>
    public IReadOnlyCollection<RecordedCall> Calls => Upstreams.Apps.Calls;

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

    /// <summary>A fresh gateway over <paramref name="upstreams"/>, whose recorded calls and answers start over.</summary>
    public static GatewayFactory Create(GatewayUpstreams upstreams, int permits = 1000)
    {
        upstreams.Reset();
        return new GatewayFactory(upstreams, upstreams.GatewaySidecar, permits);
    }

    /// <summary>
    /// A gateway whose "sidecar" is <paramref name="stub"/>: for the error answers only a failing sidecar gives (its own
    /// 500s, 502, 504), which a healthy dev sidecar cannot be made to give on demand.
    /// </summary>
    public static GatewayFactory OverStub(GatewayUpstreams upstreams, StubSidecar stub) => new(upstreams, stub.Endpoint, 1000);

    /// <summary>A gateway whose sidecar address has nothing listening: a sidecar that is down.</summary>
    public static GatewayFactory WithoutSidecar(GatewayUpstreams upstreams)
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new GatewayFactory(upstreams, new Uri($"http://127.0.0.1:{port}"), 1000);
    }
}
