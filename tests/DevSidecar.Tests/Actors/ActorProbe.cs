using System.Collections.Concurrent;

namespace ShopDapr.DevSidecar.Tests.Actors;

/// <summary>What the test actors of one app replica saw: concurrent turns, timer ticks, reminder firings, deactivations.</summary>
public sealed class ActorProbe(string replica)
{
    private readonly ConcurrentDictionary<string, int> _inside = new();
    private int _maxInside;

    public string Replica { get; } = replica;

    public int MaxConcurrentTurns => Volatile.Read(ref _maxInside);

    public ConcurrentQueue<(string ActorId, string Callback, DateTimeOffset At)> TimerTicks { get; } = new();

    public ConcurrentQueue<(string ActorId, string Reminder, string Data, DateTimeOffset At)> Reminders { get; } = new();

    public ConcurrentQueue<(string ActorId, DateTimeOffset At)> Deactivations { get; } = new();

    private int _breakableCalls;
    private volatile bool _failing;

    /// <summary>While true, <see cref="BreakableActor"/> throws.</summary>
    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    /// <summary>The first this-many calls to <see cref="BreakableActor"/> throw.</summary>
    public int FailFirst { get; set; }

    /// <summary>Calls that reached <see cref="BreakableActor"/> in this app.</summary>
    public int BreakableCalls => Volatile.Read(ref _breakableCalls);

    public int CountBreakableCall() => Interlocked.Increment(ref _breakableCalls);

    /// <summary>Marks a turn of <paramref name="actorId"/> as running; dispose when it ends.</summary>
    public IDisposable Enter(string actorId)
    {
        var now = _inside.AddOrUpdate(actorId, 1, (_, n) => n + 1);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInside)) && Interlocked.CompareExchange(ref _maxInside, now, seen) != seen)
        {
        }
        return new Exit(this, actorId);
    }

    private sealed class Exit(ActorProbe probe, string actorId) : IDisposable
    {
        public void Dispose() => probe._inside.AddOrUpdate(actorId, 0, (_, n) => n - 1);
    }
}

public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test with <paramref name="what"/> at the deadline.</summary>
    public static async Task TrueAsync(Func<bool> condition, TimeSpan deadline, string what)
    {
        var end = DateTime.UtcNow + deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > end)
                Assert.Fail($"Timed out after {deadline} waiting for: {what}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan deadline, string what)
    {
        var end = DateTime.UtcNow + deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > end)
                Assert.Fail($"Timed out after {deadline} waiting for: {what}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
