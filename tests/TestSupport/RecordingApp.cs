using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;

namespace ShopDapr.Testing;

/// <summary>
/// An in-process app (TestServer) to stand behind a real dev sidecar as another service: records every call and
/// answers with <see cref="Respond"/> (default: 200 with the app's name).
/// </summary>
public sealed class RecordingApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RecordingApp(WebApplication app) => _app = app;

    public ConcurrentQueue<(string Method, string Path, IReadOnlyDictionary<string, string> Headers)> Received { get; } = new();

    /// <summary>(method, path) → (status, JSON body or null).</summary>
    public Func<string, string, (int Status, string? Json)> Respond { get; set; } = (_, _) => (200, """{"ok":true}""");

    public HttpMessageHandler CreateHandler() => _app.GetTestServer().CreateHandler();

    public static async Task<RecordingApp> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        var app = builder.Build();
        var recording = new RecordingApp(app);
        app.Run(async http =>
        {
            var path = http.Request.Path.Value ?? "";
            recording.Received.Enqueue((http.Request.Method, path,
                http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));
            var (status, json) = recording.Respond(http.Request.Method, path);
            http.Response.StatusCode = status;
            if (json is not null)
            {
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync(json, http.RequestAborted);
            }
        });
        await app.StartAsync(cancellationToken);
        return recording;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
