using Microsoft.AspNetCore.Builder;

namespace ShopDapr.DevSidecar.Tests.Conformance;

/// <summary>A real Kestrel app on a free loopback port, so both the dev sidecar and daprd can call it back.</summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<TestApp> StartAsync(Action<WebApplication> map, Action<IServiceCollection>? services = null)
    {
        var port = SidecarTarget.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        services?.Invoke(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new TestApp(app, port);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
