using System.Collections.Concurrent;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>
/// Where an actor lives, standing in for Dapr's placement service: among the live sidecars of the cluster whose apps host
/// the actor type, one is chosen by consistent hashing of <c>type||id</c>. Every sidecar computes the same answer from the
/// same membership, so a call from any app reaches the same replica; when a replica stops, or its app is down
/// (<see cref="AppHealth"/>: daprd leaves placement when its app fails its health check), its actors move to the others,
/// and come back when it is up again. When every host of a type is down, all stay in: calls fail as they would on one.
/// </summary>
internal sealed class ActorPlacement(SidecarContext sidecar)
{
    /// <summary>
    /// How long after a sidecar starts calls wait for its app to answer <c>/dapr/config</c>, so that placement does not
    /// change under the first calls just because one replica's app answered a little later than another's.
    /// </summary>
    internal static TimeSpan PendingConfigWait { get; set; } = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<string, (string Members, HashRing<HostedActors> Ring)> _rings = new(StringComparer.Ordinal);

    /// <summary>The hosting sidecar's actors for (type, id); null when no live app hosts the type.</summary>
    public async Task<HostedActors?> LocateAsync(ActorKey key, CancellationToken cancellationToken)
    {
        var located = Locate(key, out var pending);
        var waitUntil = pending.Count == 0 ? DateTimeOffset.MinValue : pending.Max(p => p.StartedAt) + PendingConfigWait;
        var wait = waitUntil - DateTimeOffset.UtcNow;
        if (wait <= TimeSpan.Zero)
            return located;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(wait);
        await Task.WhenAll(pending.Select(p => (Task)p.Config)).WaitAsync(deadline.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
        return Locate(key, out _);
    }

    /// <summary>From the apps whose configuration is already known; <paramref name="pending"/> lists those still loading.</summary>
    public HostedActors? Locate(ActorKey key, out List<HostedActors> pending)
    {
        pending = [];
        var hosts = new List<(string Name, HostedActors Host)>();
        var down = new List<(string Name, HostedActors Host)>();
        foreach (var appId in sidecar.Cluster.AppIds)
        {
            foreach (var replica in sidecar.Cluster.Replicas(appId))
            {
                if (replica.Services.GetService(typeof(HostedActors)) is not HostedActors actors)
                    continue;
                if (!actors.Config.IsCompleted)
                    pending.Add(actors);
                else if (actors.Config.Result.Hosts(key.Type))
                    (replica.Context.App?.Health.IsDown == true ? down : hosts).Add(($"{replica.AppId}|{replica.HttpEndpoint}", actors));
            }
        }
        if (hosts.Count == 0)
            hosts = down;
        if (hosts.Count == 0)
            return null;
        var members = string.Join(',', hosts.Select(h => h.Name).Order(StringComparer.Ordinal));
        var ring = _rings.AddOrUpdate(key.Type,
            _ => (members, new HashRing<HostedActors>(hosts)),
            (_, cached) => cached.Members == members ? cached : (members, new HashRing<HostedActors>(hosts))).Ring;
        return ring.Locate(key.ToString());
    }

    /// <summary>True when (type, id) belongs to this sidecar under the current membership.</summary>
    public bool IsLocal(ActorKey key) => ReferenceEquals(Locate(key, out _)?.Sidecar, sidecar);
}
