using Dapr.Actors.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ShopDapr.DevSidecar.Tests.Actors;

/// <summary>
/// An app hosting the test actors with the official <c>Dapr.Actors.AspNetCore</c> runtime, in process (TestServer),
/// pointed at its sidecar's HTTP endpoint like <c>DAPR_HTTP_ENDPOINT</c> would.
/// </summary>
public sealed class ActorTestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ActorTestApp(WebApplication app, ActorProbe probe)
    {
        _app = app;
        Probe = probe;
    }

    public ActorProbe Probe { get; }

    public HttpMessageHandler CreateHandler() => _app.GetTestServer().CreateHandler();

    public static async Task<ActorTestApp> StartAsync(string replica, Uri sidecarHttp, Action<ActorRuntimeOptions>? configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        var probe = new ActorProbe(replica);
        builder.Services.AddSingleton(probe);
        builder.Services.AddActors(o =>
        {
            o.HttpEndpoint = sidecarHttp.ToString().TrimEnd('/');
            o.Actors.RegisterActor<CounterActor>();
            o.Actors.RegisterActor<PingActor>();
            o.Actors.RegisterActor<TimerActor>();
            o.Actors.RegisterActor<ReminderActor>();
            configure?.Invoke(o);
        });
        var app = builder.Build();
        app.MapActorsHandlers();
        await app.StartAsync();
        return new ActorTestApp(app, probe);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>
/// The sidecar's line to an app that is not up yet: refuses like a closed port until <see cref="Connect"/>, so the sidecar
/// has to wait for the app before it learns its actor types.
/// </summary>
public sealed class DeferredAppHandler : HttpMessageHandler
{
    private volatile HttpMessageInvoker? _inner;

    public void Connect(HttpMessageHandler handler) => _inner = new HttpMessageInvoker(handler);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _inner is { } inner
            ? inner.SendAsync(request, cancellationToken)
            : throw new HttpRequestException("Connection refused (the app is not listening yet)");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _inner?.Dispose();
        base.Dispose(disposing);
    }
}
