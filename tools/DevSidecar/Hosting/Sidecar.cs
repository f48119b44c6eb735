using System.Net;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ShopDapr.DevSidecar.Components;
using ShopDapr.DevSidecar.Grpc;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Hosting;

/// <summary>
/// One logical Dapr sidecar: its own HTTP (HTTP/1.1) and gRPC (h2c) ports, its app's components, and the
/// Dapr APIs. Start it from a test with <see cref="StartAsync"/>; the CLI starts one per app.
/// </summary>
public sealed class Sidecar : IAsyncDisposable
{
    private readonly WebApplication _web;
    private readonly bool _ownsCluster;

    private Sidecar(WebApplication web, SidecarContext context, bool ownsCluster)
    {
        _web = web;
        Context = context;
        _ownsCluster = ownsCluster;
    }

    public SidecarContext Context { get; }

    public string AppId => Context.AppId;

    public Uri HttpEndpoint => Context.HttpEndpoint;

    public Uri GrpcEndpoint => Context.GrpcEndpoint;

    public IServiceProvider Services => _web.Services;

    /// <summary>
    /// Loads the resources, builds the components and starts listening. A broken resource throws
    /// <see cref="ResourceException"/> naming the file and field, before any port is opened.
    /// </summary>
    public static async Task<Sidecar> StartAsync(
        SidecarOptions options,
        SidecarCluster? cluster = null,
        Action<ILoggingBuilder>? logging = null,
        CancellationToken cancellationToken = default)
    {
        var ownsCluster = cluster is null;
        cluster ??= new SidecarCluster();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(Sidecar).Assembly.GetName().Name,
            EnvironmentName = Environments.Production,
            // The sidecar reads no appsettings of its own. With the default content root (the working directory: the repo
            // root for the README's command) and reload-on-change, every sidecar put a recursive file watcher on that tree,
            // and each SQLite write under .data/ woke all of them: a third of the dev sidecar's CPU under load.
            ContentRootPath = AppContext.BaseDirectory,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Logging.ClearProviders();
        if (logging is null)
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        else
            logging(builder.Logging);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            k.Listen(IPAddress.Loopback, options.HttpPort, o => o.Protocols = HttpProtocols.Http1);
            k.Listen(IPAddress.Loopback, options.GrpcPort, o => o.Protocols = HttpProtocols.Http2);
        });

        var log = new List<string>();
        var resources = ResourceLoader.Load(options.ResourcesPaths, log.Add);
        builder.Services.AddSingleton(cluster.Time);
        var components = await ComponentBuilder.BuildAsync(
            resources, options.AppId, cluster.Components, new ComponentServices(cluster), cancellationToken, options.WorkingDirectory);
        var app = options.AppChannel is null ? null : new AppChannel(options.AppId, options.AppChannel, options.AppApiToken);
        var context = new SidecarContext(options, resources, components, cluster, app);

        builder.Services.AddSingleton(context);
        builder.Services.AddGrpc(o => o.EnableDetailedErrors = true);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<DaprGrpcService>, DaprGrpcMethodProvider>());
        SidecarFeatures.AddServices(builder.Services);

        var web = builder.Build();
        SidecarFeatures.Map(web);
        web.MapGrpcService<DaprGrpcService>();

        var logger = web.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ShopDapr.DevSidecar");
        app?.Health.UseLogger(web.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AppHealth).FullName!));
        foreach (var line in log)
            logger.LogWarning("{Message}", line);

        await web.StartAsync(cancellationToken);
        var addresses = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a)).ToList();
        context.HttpEndpoint = addresses[0];
        context.GrpcEndpoint = addresses[1];

        var sidecar = new Sidecar(web, context, ownsCluster);
        cluster.Register(sidecar);
        context.ShutdownRequested.Register(() => _ = sidecar.StopOnRequestAsync(logger));
        return sidecar;
    }

    private async Task StopOnRequestAsync(ILogger logger)
    {
        await Task.Yield(); // off the request that asked, so it can finish while the host drains
        try
        {
            await StopAsync();
        }
        catch (ObjectDisposedException e)
        {
            logger.LogDebug(e, "Sidecar for {AppId} was disposed before the requested shutdown ran", AppId);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Sidecar for {AppId} failed to stop on request", AppId);
        }
    }

    private int _stopped;

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        Context.Cluster.Unregister(this);
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
            await _web.StopAsync(cancellationToken);
    }

    /// <summary>
    /// Stops (if not yet stopped) and releases everything. Stopping first lets background services (cron, actor scans,
    /// subscriptions) end on their stopping token; a host disposed unstopped reports their cancellation as a crash.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _web.DisposeAsync();
        Context.App?.Dispose();
        if (_ownsCluster)
            await Context.Cluster.DisposeAsync();
    }

    /// <summary>The few process-wide services components may ask for.</summary>
    private sealed class ComponentServices(SidecarCluster cluster) : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            serviceType == typeof(TimeProvider) ? cluster.Time
            : serviceType == typeof(InFlightWork) ? cluster.InFlight
            : null;
    }
}
