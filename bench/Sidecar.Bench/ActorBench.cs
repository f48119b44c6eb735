using System.Collections.Concurrent;
using System.Diagnostics;
using Dapr.Actors;
using Dapr.Actors.Client;
using Dapr.Actors.Runtime;
using Dapr.Client;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.Bench;

/// <summary>
/// Actor method calls/s and latency over 1,000 ids of one type, through the official ActorProxy from a caller app's sidecar
/// to the hosting app's sidecar. In-run baseline: plain service invocation of the same app through the same sidecars.
/// </summary>
/// <summary>The benchmark's actor interface; public, as the SDK's generated proxy must implement it.</summary>
public interface ICounter : IActor
{
    Task<int> IncrementAsync();
}

public sealed class Counter(ActorHost host) : Actor(host), ICounter
{
    private int _count;

    public Task<int> IncrementAsync() => Task.FromResult(++_count);
}

internal static class ActorBench
{
    public static async Task<int> RunAsync(int seconds)
    {
        var resources = Harness.TempResources(("state.yaml", Harness.Component("statestore", "state.in-memory", ("actorStateStore", "true"))));
        var cluster = new SidecarCluster();
        var appPort = FreePort();
        var host = await Sidecar.StartAsync(new SidecarOptions
        {
            AppId = "counter-host", ResourcesPaths = [resources], AppChannel = AppChannelOptions.FromPort(appPort),
        }, cluster);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{appPort}");
        builder.Services.AddActors(o =>
        {
            o.HttpEndpoint = host.HttpEndpoint.ToString().TrimEnd('/');
            o.Actors.RegisterActor<Counter>();
        });
        var app = builder.Build();
        app.MapActorsHandlers();
        app.MapPost("/increment", () => Results.Ok(1));
        await app.StartAsync();
        var caller = await Sidecar.StartAsync(new SidecarOptions { AppId = "caller", ResourcesPaths = [resources] }, cluster);
        using var ready = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.Context.Ready().WaitAsync(ready.Token);

        var options = new ActorProxyOptions { HttpEndpoint = caller.HttpEndpoint.ToString().TrimEnd('/') };
        var factory = new ActorProxyFactory(options);
        var proxies = Enumerable.Range(0, 1000).Select(i => factory.CreateActorProxy<ICounter>(new ActorId($"c-{i}"), nameof(Counter))).ToArray();
        using var invoke = DaprClient.CreateInvokeHttpClient("counter-host", caller.HttpEndpoint.ToString());

        foreach (var p in proxies) // activate every actor first: the figure is steady-state calls, activation is separate
            await p.IncrementAsync();

        var rows = new List<string>();
        foreach (var (label, call) in new (string, Func<long, Task>)[]
                 {
                     ("service invocation (baseline)", async i => (await invoke.PostAsync("/increment", null)).EnsureSuccessStatusCode()),
                     ("actor method, 1,000 ids", i => proxies[i % proxies.Length].IncrementAsync()),
                 })
        {
            var latencies = new ConcurrentBag<double>();
            var clock = Stopwatch.StartNew();
            var done = await Harness.SaturateAsync(label, 32, TimeSpan.FromSeconds(seconds), async (w, i) =>
            {
                var start = Stopwatch.GetTimestamp();
                await call(w * 1_000_003L + i);
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            });
            var sorted = latencies.Order().ToList();
            rows.Add($"| {label} | {done / clock.Elapsed.TotalSeconds:0} | {Harness.Percentile(sorted, 50):0.00} ms | {Harness.Percentile(sorted, 99):0.00} ms |");
        }
        Console.WriteLine($"Actor calls through ActorProxy (HTTP) caller sidecar → host sidecar → app, 32 concurrent callers, {seconds}s each, {Harness.Machine()}");
        Console.WriteLine("| call | calls/s | p50 | p99 |");
        Console.WriteLine("|---|---|---|---|");
        rows.ForEach(Console.WriteLine);

        await caller.DisposeAsync();
        await host.DisposeAsync(); // deactivates its actors in the app, so the app stops last
        await app.StopAsync();
        await cluster.DisposeAsync();
        return 0;
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}
