using System.Diagnostics;
using ShopDapr.Contracts.Ordering;
using ShopDapr.LoadGen.Stats;

namespace ShopDapr.LoadGen.InProcess;

/// <summary>
/// The baseline run: <c>workers</c> loops, each pushing orders of the load journey's shape (one or two lines of one or
/// two units of a cheap product, over as many SKUs as the real run seeds) through <see cref="InProcessSaga"/> as fast
/// as it goes; warm-up, then the measured window, as the real run.
/// </summary>
internal sealed class InProcessRunner(LoadMetrics metrics, TimeProvider time)
{
    public async Task RunAsync(int workers, int products, int stock, TimeSpan warmup, TimeSpan duration, int seed, CancellationToken ct)
    {
        var catalog = Enumerable.Range(1, products)
            .Select(i => (Id: Guid.NewGuid(), Sku: $"SKU-{i:D4}", Price: 10m + i))
            .ToList();
        var saga = new InProcessSaga(time);
        saga.Seed(catalog.Select(p => p.Sku), stock);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loops = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var random = new Random(seed + w);
            while (!stop.IsCancellationRequested)
            {
                var first = random.Next(catalog.Count);
                var picks = catalog.Count > 1 && random.Next(2) == 1 ? new[] { first, (first + 1 + random.Next(catalog.Count - 1)) % catalog.Count } : [first];
                var lines = picks.Select(i => new OrderLine(catalog[i].Id, catalog[i].Sku, catalog[i].Sku, catalog[i].Price, random.Next(1, 3))).ToList();
                var measured = metrics.WindowIsOpen;
                metrics.JourneyStarted();
                var clock = Stopwatch.StartNew();
                var status = await saga.RunAsync(lines, ct);
                if (status == OrderStatus.Completed)
                {
                    if (measured)
                        metrics.CheckoutToCompleted.Success(clock.Elapsed);
                    metrics.OrderCompleted();
                }
                else
                {
                    if (measured)
                        metrics.CheckoutToCompleted.Failure($"order ended {status}");
                    metrics.OrderCancelled();
                }
            }
        }, ct)).ToList();
        await Task.Delay(warmup, time, ct);
        metrics.OpenWindow();
        await Task.Delay(duration, time, ct);
        metrics.CloseWindow();
        await stop.CancelAsync();
        await Task.WhenAll(loops);
    }
}
