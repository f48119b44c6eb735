using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Tests.Hosting;

/// <summary>
/// An app on a real loopback port that a test can take down (its listener closes: connections are refused, as after
/// <c>kill -9</c>) and bring back on the same port. Every path answers 200 with the app's name and is recorded.
/// </summary>
public sealed class KillableApp : IAsyncDisposable
{
    private WebApplication? _app;

    private KillableApp(string name) => Name = name;

    public string Name { get; }

    public int Port { get; private set; }

    /// <summary>Each call the app answered: "VERB /path body".</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    public AppChannelOptions Channel => AppChannelOptions.FromPort(Port);

    public static async Task<KillableApp> StartAsync(string name)
    {
        var app = new KillableApp(name);
        await app.ListenAsync(0);
        return app;
    }

    /// <summary>Closes the listener and every connection: what the sidecar sees of an app killed with SIGKILL.</summary>
    public async Task KillAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync(TimeSpan.Zero);
            await app.DisposeAsync();
        }
    }

    public Task RestartAsync() => ListenAsync(Port);

    private async Task ListenAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.Map("/{**path}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(http.RequestAborted);
            Received.Enqueue($"{http.Request.Method} {http.Request.Path}{(body.Length > 0 ? " " + body : "")}");
            http.Response.ContentType = "text/plain";
            await http.Response.WriteAsync(Name, http.RequestAborted);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        _app = app;
    }

    public async ValueTask DisposeAsync() => await KillAsync();
}
