using System.Collections.Concurrent;
using System.Collections.Immutable;
using ShopDapr.DevSidecar.Components;
using ShopDapr.DevSidecar.Workflows;

namespace ShopDapr.DevSidecar.Hosting;

/// <summary>
/// What the sidecars of one process share, standing in for daprd's name resolution and for components
/// that are one thing across apps (in-memory pub/sub). Replicas of one app id are picked round-robin among those whose
/// app is up.
/// </summary>
public sealed class SidecarCluster : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ImmutableArray<Sidecar>> _apps = new(StringComparer.Ordinal);
    private int _next;

    public ComponentPool Components { get; } = new();

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Pub/sub messages held in memory (queued or in delivery) across every sidecar of the process.</summary>
    public InFlightWork InFlight { get; } = new();

    /// <summary>The workflow engine of each app id, shared by its replicas.</summary>
    internal WorkflowEngines Workflows { get; } = new();

    public IEnumerable<string> AppIds => _apps.Where(a => !a.Value.IsEmpty).Select(a => a.Key);

    internal void Register(Sidecar sidecar) =>
        _apps.AddOrUpdate(sidecar.AppId, [sidecar], (_, list) => list.Add(sidecar));

    internal void Unregister(Sidecar sidecar) =>
        _apps.AddOrUpdate(sidecar.AppId, [], (_, list) => list.Remove(sidecar));

    /// <summary>Every running replica of an app id, whether its app is up or not.</summary>
    public ImmutableArray<Sidecar> Replicas(string appId) =>
        _apps.TryGetValue(appId, out var list) ? list : [];

    /// <summary>
    /// The replicas of an app id whose app is not down (<see cref="AppHealth"/>), as a Kubernetes Service lists only ready
    /// pods. When every replica's app is down, all of them: a call then fails as it would on the one replica there is.
    /// </summary>
    public ImmutableArray<Sidecar> Available(string appId)
    {
        var all = Replicas(appId);
        var up = all.RemoveAll(r => r.Context.App?.Health.IsDown == true);
        return up.IsEmpty ? all : up;
    }

    /// <summary>One replica of an app id whose app is up, round-robin (<see cref="Available"/>); null when none is running.</summary>
    public Sidecar? Resolve(string appId, Sidecar? except = null)
    {
        var list = Available(appId);
        if (except is not null && list.Length > 1)
            list = list.Remove(except);
        return list.IsEmpty ? null : list[(int)((uint)Interlocked.Increment(ref _next) % (uint)list.Length)];
    }

    /// <summary>
    /// A graceful stop's first step: every sidecar stops taking new work of its own (input bindings), then this waits,
    /// up to <paramref name="limit"/>, until the in-memory pub/sub has delivered what it holds to the (still running) apps.
    /// Returns the messages still held when it gave up (0: drained).
    /// </summary>
    public async Task<long> DrainAsync(TimeSpan limit, CancellationToken cancellationToken = default)
    {
        foreach (var sidecar in _apps.Values.SelectMany(list => list))
            sidecar.Context.BeginDrain();
        return await InFlight.WaitIdleAsync(limit, cancellationToken) ? 0 : Math.Max(1, InFlight.Count);
    }

    public async ValueTask DisposeAsync()
    {
        await Workflows.DisposeAsync();
        await Components.DisposeAsync();
    }
}
