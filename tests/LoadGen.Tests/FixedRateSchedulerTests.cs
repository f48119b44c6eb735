using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using ShopDapr.LoadGen.Scheduling;

namespace ShopDapr.LoadGen.Tests;

public sealed class FixedRateSchedulerTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    [Fact]
    public async Task Ten_per_second_for_one_second_starts_ten_arrivals_a_tenth_of_a_second_apart()
    {
        var time = new WatchedTime();
        var scheduler = new FixedRateScheduler(10, time);
        var started = new ConcurrentQueue<(long Index, TimeSpan At)>();
        var origin = time.GetTimestamp();

        var run = scheduler.RunAsync(i =>
        {
            started.Enqueue((i, time.GetElapsedTime(origin)));
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        var report = await DriveAsync(time, run);

        Assert.Equal(10, report.Arrivals.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), started.Select(s => s.Index));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => TimeSpan.FromMilliseconds(100 * i)), started.Select(s => s.At));
        Assert.Equal(0, report.Late);
    }

    [Fact]
    public async Task Arrivals_that_never_finish_do_not_hold_back_the_next_ones()
    {
        var time = new WatchedTime();
        var scheduler = new FixedRateScheduler(20, time);
        var started = new ConcurrentQueue<(long Index, TimeSpan At)>();
        var never = new TaskCompletionSource();
        var origin = time.GetTimestamp();

        var run = scheduler.RunAsync(i =>
        {
            started.Enqueue((i, time.GetElapsedTime(origin)));
            return never.Task; // a shop that never answers
        }, TimeSpan.FromSeconds(0.5), TestContext.Current.CancellationToken);
        var report = await DriveAsync(time, run);

        Assert.Equal(10, started.Count);
        Assert.All(report.Arrivals, a => Assert.False(a.IsCompleted));
        Assert.Equal(TimeSpan.FromMilliseconds(450), started.Last().At);
    }

    [Fact]
    public async Task A_scheduler_that_falls_behind_starts_the_due_arrivals_at_once_and_counts_them_late()
    {
        var time = new WatchedTime();
        var scheduler = new FixedRateScheduler(10, time);
        var started = new ConcurrentQueue<long>();
        var first = true;

        var run = scheduler.RunAsync(i =>
        {
            started.Enqueue(i);
            if (first)
            {
                first = false;
                time.Advance(TimeSpan.FromMilliseconds(350)); // the first start took the machine 350 ms
            }
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        var report = await DriveAsync(time, run);

        Assert.Equal(10, started.Count);
        Assert.Equal(3, report.Late); // arrivals 1–3 (due 100–300 ms) started at 350 ms
        Assert.Equal(TimeSpan.FromMilliseconds(250), report.MaxLag);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_rate_that_is_not_a_positive_number_is_refused(double rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedRateScheduler(rate, TimeProvider.System));

    [Fact]
    public void Arrival_i_is_due_at_i_over_the_rate() =>
        Assert.Equal(TimeSpan.FromSeconds(1.5), new FixedRateScheduler(4, TimeProvider.System).DueAt(6));

    /// <summary>
    /// Advances fake time in 10 ms steps, each only once the scheduler is waiting on a timer again (or done), so no step
    /// moves the clock while the scheduler is between two waits.
    /// </summary>
    private static async Task<ScheduleReport> DriveAsync(WatchedTime time, Task<ScheduleReport> run)
    {
        var deadline = Stopwatch.StartNew();
        while (!run.IsCompleted)
        {
            while (!time.SomeoneWaits && !run.IsCompleted)
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the scheduler neither waits nor finishes");
                await Task.Delay(1, TestContext.Current.CancellationToken);
            }
            if (!run.IsCompleted)
                time.Advance(Step);
        }
        return await run;
    }

    /// <summary>A fake clock that knows whether a timer (a <c>Task.Delay</c>) is pending.</summary>
    private sealed class WatchedTime : TimeProvider
    {
        private readonly FakeTimeProvider _fake = new();
        private int _created;
        private int _fired;

        public bool SomeoneWaits => Volatile.Read(ref _created) > Volatile.Read(ref _fired);

        public void Advance(TimeSpan by) => _fake.Advance(by);

        public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

        public override long GetTimestamp() => _fake.GetTimestamp();

        public override long TimestampFrequency => _fake.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _created);
            return _fake.CreateTimer(s =>
            {
                Interlocked.Increment(ref _fired);
                callback(s);
            }, state, dueTime, period);
        }
    }
}
