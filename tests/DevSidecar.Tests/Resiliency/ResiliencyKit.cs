using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ShopDapr.DevSidecar.Resiliency;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Tests.Resiliency;

/// <summary>A fake clock that also records every timer asked of it, so a test advances exactly to the next due time.</summary>
public sealed class RecordingTimeProvider : FakeTimeProvider
{
    private readonly List<TimeSpan> _timers = [];

    public IReadOnlyList<TimeSpan> Timers
    {
        get
        {
            lock (_timers)
                return [.. _timers];
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Record(dueTime);
        return new RecordingTimer(base.CreateTimer(callback, state, dueTime, period), this);
    }

    private void Record(TimeSpan dueTime)
    {
        if (dueTime == Timeout.InfiniteTimeSpan)
            return; // created idle (a CancellationTokenSource before CancelAfter)
        lock (_timers)
            _timers.Add(dueTime);
    }

    private sealed class RecordingTimer(ITimer inner, RecordingTimeProvider owner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            owner.Record(dueTime);
            return inner.Change(dueTime, period);
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    /// <summary>Waits until the <paramref name="count"/>th timer exists, then moves the clock to its due time.</summary>
    public async Task FireTimerAsync(int count)
    {
        await Eventually.TrueAsync(() => Timers.Count >= count, $"timer #{count} was never created");
        Advance(Timers[count - 1]);
    }
}

public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string because, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail(because);
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }
}

/// <summary>Policies read from Resiliency YAML written to a temporary folder (file name → YAML).</summary>
public static class ResiliencyKit
{
    public static ResiliencyPolicies Load(RecordingTimeProvider time, params (string File, string Yaml)[] files)
    {
        using var dir = new TempDir();
        foreach (var (file, yaml) in files)
            File.WriteAllText(dir.File(file), yaml);
        var resources = ResourceLoader.Load([dir.Path]);
        var model = ResiliencyModel.Load(resources.OfKind<ResiliencyResource>());
        return new ResiliencyPolicies(model, components: null, time, NullLogger.Instance, random: () => 0.5);
    }

    public static ResiliencyPolicies Load(RecordingTimeProvider time, string yaml) => Load(time, ("resiliency.yaml", yaml));

    /// <summary>A Resiliency document; <paramref name="body"/> is the text under <c>spec:</c>, indented two spaces.</summary>
    public static string Doc(string body, string name = "resiliency", string? scopes = null) =>
        $"apiVersion: dapr.io/v1alpha1\nkind: Resiliency\nmetadata:\n  name: {name}\n{(scopes is null ? "" : $"scopes: [{scopes}]\n")}spec:\n{body}";
}

/// <summary>An operation that counts its attempts and fails the first <c>failures</c> of them.</summary>
public sealed class Flaky(int failures, Func<Exception>? error = null)
{
    private int _attempts;

    public int Attempts => Volatile.Read(ref _attempts);

    public ValueTask<string> RunAsync(CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _attempts);
        if (attempt <= failures)
            throw error?.Invoke() ?? new InvalidOperationException($"attempt {attempt} failed");
        return ValueTask.FromResult($"ok after {attempt}");
    }
}
