using System.Collections.Concurrent;
using ShopDapr.LoadGen.Scheduling;
using ShopDapr.LoadGen.Shop;
using ShopDapr.LoadGen.Stats;

namespace ShopDapr.LoadGen.Load;

/// <summary>What happened besides the metrics: open-loop arrivals that started late or found no idle shopper.</summary>
internal sealed record LoadOutcome(long LateArrivals, long ArrivalsWithoutShopper, bool Drained);

/// <summary>
/// The two ways to offer load. Closed loop: N shoppers, each starting its next journey when the last ends. Open loop:
/// journeys arrive at a fixed rate and each takes an idle shopper (customer account); when none is idle the arrival is
/// counted and dropped (the shop is falling behind). Both warm up, measure for the duration, then let the journeys in
/// flight finish (up to the order timeout) so their latencies count.
/// </summary>
internal sealed class LoadRunner(ShopperLoop loop, LoadMetrics metrics, TimeProvider time)
{
    public async Task<LoadOutcome> RunClosedAsync(IReadOnlyList<Shopper> shoppers, TimeSpan warmup, TimeSpan duration, TimeSpan drainLimit, int seed, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var workers = shoppers.Select((shopper, i) => Task.Run(async () =>
        {
            var random = new Random(seed + i);
            while (!stop.IsCancellationRequested)
                await loop.RunOnceAsync(shopper, random, ct);
        }, ct)).ToList();
        await MeasureAsync(warmup, duration, ct);
        await stop.CancelAsync();
        return new LoadOutcome(0, 0, await DrainAsync(workers, drainLimit));
    }

    public async Task<LoadOutcome> RunOpenAsync(IReadOnlyList<Shopper> shoppers, double rate, TimeSpan warmup, TimeSpan duration, TimeSpan drainLimit, int seed, CancellationToken ct)
    {
        var idle = new ConcurrentQueue<Shopper>(shoppers);
        var withoutShopper = 0L;
        var scheduler = new FixedRateScheduler(rate, time);
        var measuring = MeasureAsync(warmup, duration, ct);
        var report = await scheduler.RunAsync(async index =>
        {
            if (!idle.TryDequeue(out var shopper))
            {
                Interlocked.Increment(ref withoutShopper);
                return;
            }
            try
            {
                await Task.Yield(); // off the scheduler's loop
                await loop.RunOnceAsync(shopper, new Random(seed + (int)index), ct);
            }
            finally
            {
                idle.Enqueue(shopper);
            }
        }, warmup + duration, ct);
        await measuring;
        return new LoadOutcome(report.Late, Interlocked.Read(ref withoutShopper), await DrainAsync(report.Arrivals, drainLimit));
    }

    private async Task MeasureAsync(TimeSpan warmup, TimeSpan duration, CancellationToken ct)
    {
        await Task.Delay(warmup, time, ct);
        metrics.OpenWindow();
        await Task.Delay(duration, time, ct);
        metrics.CloseWindow();
    }

    private async Task<bool> DrainAsync(IReadOnlyList<Task> inFlight, TimeSpan limit)
    {
        var all = Task.WhenAll(inFlight);
        var finished = await Task.WhenAny(all, Task.Delay(limit, time));
        if (finished == all)
            await all; // surfaces a bug in a journey (a failed step is recorded, not thrown)
        return finished == all;
    }
}
