using Dapr.Actors.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ShopDapr.DevSidecar.Tests.Actors;

/// <summary>
/// An app hosting the test actors with the official <c>Dapr.Actors.AspNetCore</c> runtime on Kestrel (a free loopback
/// port), pointed at its sidecar's HTTP endpoint like <c>DAPR_HTTP_ENDPOINT</c> would. Kestrel rather than TestServer:
/// TestServer hands an actor's concurrent requests to the app one by one, which would hide a missing turn lock.
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

    public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<ActorTestApp> StartAsync(string replica, Uri sidecarHttp, Action<ActorRuntimeOptions>? configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
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
/// The sidecar's line to an app whose port is not known yet: refuses like a closed port until <see cref="Connect"/>,
/// so the sidecar has to wait for the app before it learns its actor types.
/// </summary>
public sealed class DeferredAppHandler : DelegatingHandler
{
    private volatile Uri? _app;

    public DeferredAppHandler()
        : base(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 512 })
    {
    }

    private int _refuseMethodCalls;
    private int _refused;

    public void Connect(Uri app) => _app = app;

    /// <summary>The next <paramref name="count"/> actor method calls are refused like a dropped connection.</summary>
    public void RefuseMethodCalls(int count) => Volatile.Write(ref _refuseMethodCalls, count);

    /// <summary>How many actor method calls were refused so far.</summary>
    public int Refused => Volatile.Read(ref _refused);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_app is not { } app)
            throw new HttpRequestException("Connection refused (the app is not listening yet)");
        if (request.RequestUri!.AbsolutePath.Contains("/method/", StringComparison.Ordinal) && Interlocked.Decrement(ref _refuseMethodCalls) >= 0)
        {
            Interlocked.Increment(ref _refused);
            throw new HttpRequestException("Connection reset by peer (refused on purpose)");
        }
        request.RequestUri = new Uri(app, request.RequestUri!.PathAndQuery);
        return base.SendAsync(request, cancellationToken);
    }
}
