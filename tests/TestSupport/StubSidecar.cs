using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ShopDapr.Testing;

/// <summary>
/// A loopback HTTP server standing in for a sidecar's invoke API (<c>/v1.0/invoke/{app}/method/{path}</c>), kept only to
/// inject faults a healthy dev sidecar cannot give on demand (its own 500s, 502, 504): each request is recorded and
/// answered by <see cref="Handler"/>. Everything else runs on the real dev sidecar (<see cref="DevDapr"/>, <see cref="DevSidecars"/>).
/// </summary>
public sealed class StubSidecar : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StubSidecar(WebApplication app) => _app = app;

    public ConcurrentQueue<(string AppId, string Path, IHeaderDictionary Headers)> Calls { get; } = new();

    /// <summary>(app id, method path) → (status, JSON body or null).</summary>
    public Func<string, string, (HttpStatusCode Status, string? Json)> Handler { get; set; } = (_, _) => (HttpStatusCode.NotFound, null);

    public Uri Endpoint => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<StubSidecar> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var stub = new StubSidecar(app);
        app.Map("/v1.0/invoke/{appId}/method/{**path}", async (HttpContext http, string appId, string path) =>
        {
            stub.Calls.Enqueue((appId, "/" + path, new HeaderDictionary(http.Request.Headers.ToDictionary(h => h.Key, h => h.Value))));
            var (status, json) = stub.Handler(appId, "/" + path);
            http.Response.StatusCode = (int)status;
            if (json is not null)
            {
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync(json, http.RequestAborted);
            }
        });
        app.MapGet("/v1.0/healthz", () => Results.NoContent());
        // daprd also invokes on any path when the request names the app in a dapr-app-id header.
        app.MapFallback(async (HttpContext http) =>
        {
            var appId = http.Request.Headers["dapr-app-id"].ToString();
            if (appId.Length == 0)
            {
                http.Response.StatusCode = 404;
                return;
            }
            var path = http.Request.Path + http.Request.QueryString;
            stub.Calls.Enqueue((appId, path, new HeaderDictionary(http.Request.Headers.ToDictionary(h => h.Key, h => h.Value))));
            var (status, json) = stub.Handler(appId, http.Request.Path);
            http.Response.StatusCode = (int)status;
            if (json is not null)
            {
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync(json, http.RequestAborted);
            }
        });
        await app.StartAsync(cancellationToken);
        return stub;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
