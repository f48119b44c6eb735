using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;

namespace ShopDapr.Testing;

/// <summary>A minimal in-process app (TestServer, no logging) to stand behind a real dev sidecar: the routes <paramref name="map"/> adds, started.</summary>
internal static class TestServerApp
{
    public static async Task<WebApplication> StartAsync(Action<WebApplication> map, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        var app = builder.Build();
        map(app);
        await app.StartAsync(cancellationToken);
        return app;
    }

    public static HttpMessageHandler CreateHandler(this WebApplication app) => app.GetTestServer().CreateHandler();
}
