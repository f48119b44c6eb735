namespace ShopDapr.LoadGen.Scheduling;

/// <summary>
/// Open-loop arrivals: arrival i is due at start + i / rate, whatever happened to the earlier ones, so a slow shop
/// sees the same offered load (no coordinated omission). The arrival callback is started, never awaited here; when the
/// scheduler itself falls behind (a busy machine) the due arrivals start at once and count as late.
/// </summary>
public sealed class FixedRateScheduler(double ratePerSecond, TimeProvider time)
{
    /// <summary>An arrival that starts more than this after its due time counts as late.</summary>
    public static readonly TimeSpan LateAfter = TimeSpan.FromMilliseconds(10);

    private readonly double _rate = ratePerSecond > 0 && double.IsFinite(ratePerSecond)
        ? ratePerSecond
        : throw new ArgumentOutOfRangeException(nameof(ratePerSecond), ratePerSecond, "The rate must be a positive number.");

    /// <summary>When arrival <paramref name="index"/> is due, counted from the start.</summary>
    public TimeSpan DueAt(long index) => TimeSpan.FromSeconds(index / _rate);

    /// <summary>
    /// Starts <paramref name="arrive"/> (with the arrival's index) at each due time within <paramref name="duration"/>;
    /// returns once the last one has been started, with every started task so the caller can await them.
    /// </summary>
    public async Task<ScheduleReport> RunAsync(Func<long, Task> arrive, TimeSpan duration, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        var started = new List<Task>();
        var late = 0L;
        var maxLag = TimeSpan.Zero;
        for (long i = 0; ; i++)
        {
            var due = DueAt(i);
            if (due >= duration)
                break;
            var wait = due - time.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, time, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            var lag = time.GetElapsedTime(start) - due;
            if (lag > LateAfter)
                late++;
            if (lag > maxLag)
                maxLag = lag;
            started.Add(arrive(i));
        }
        return new ScheduleReport(started, late, maxLag);
    }
}

/// <summary>What the scheduler started; <see cref="Late"/> arrivals started more than <see cref="FixedRateScheduler.LateAfter"/> after their due time.</summary>
public sealed record ScheduleReport(IReadOnlyList<Task> Arrivals, long Late, TimeSpan MaxLag);
