using System.Collections.Concurrent;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>(type, id): how daprd names one actor (<c>type||id</c>).</summary>
public readonly record struct ActorKey(string Type, string Id)
{
    public override string ToString() => $"{Type}||{Id}";
}

/// <summary>
/// An actor activated in this sidecar: its turn lock, when it was last used, and its timers. Removed from the table when
/// deactivated (idle, rebalanced), which also drops the lock, so locks do not outlive their actors.
/// </summary>
internal sealed class ActiveActor(ActorKey key, DateTimeOffset now)
{
    private long _lastUsedTicks = now.UtcTicks;

    public ActorKey Key { get; } = key;

    public TurnLock Lock { get; } = new();

    public ConcurrentDictionary<string, ActorTimer> Timers { get; } = new(StringComparer.Ordinal);

    /// <summary>Set under the turn lock when the actor leaves the table; a call that waited for it activates a fresh one.</summary>
    public bool Deactivated { get; set; }

    public DateTimeOffset LastUsed => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);

    public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastUsedTicks, now.UtcTicks);

    public void StopTimers()
    {
        foreach (var timer in Timers.Values)
            timer.Stop();
        Timers.Clear();
    }
}
