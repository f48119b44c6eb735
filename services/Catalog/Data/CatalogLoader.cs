using Dapr.Client;
using Microsoft.Extensions.Options;
using ShopDapr.Catalog.DemoData;

namespace ShopDapr.Catalog.Data;

/// <summary>
/// At start-up: waits for the sidecar, loads the demo catalog into an empty store once (guarded by a marker key),
/// then reads every product into the cache and builds the search index. Retries until it succeeds.
/// </summary>
internal sealed partial class CatalogLoader(
    DaprClient dapr,
    ProductStore store,
    ProductCache cache,
    StockStore stock,
    StockView stockView,
    IOptions<CatalogOptions> options,
    TimeProvider time,
    ILogger<CatalogLoader> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await LoadAsync(stoppingToken);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && e is not OperationCanceledException)
            {
                LogLoadFailed(logger, attempt, e);
                await Task.Delay(RetryDelay, time, stoppingToken);
            }
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await dapr.WaitForSidecarAsync(cancellationToken);
        var settings = options.Value;
        if (settings.SeedDemoCatalog && !await store.IsDemoSeededAsync(cancellationToken))
        {
            var demo = DemoCatalogGenerator.Generate(settings.DemoProductCount, settings.DemoSeed);
            await store.SaveManyAsync(demo, cancellationToken);
            await store.MarkDemoSeededAsync(new DemoSeedMarker(demo.Count, settings.DemoSeed, time.GetUtcNow()), cancellationToken);
            LogSeeded(logger, demo.Count);
        }
        var products = await store.LoadAllAsync(cancellationToken);
        // Availability first: the cache marks the catalog loaded (ready), and a ready catalog shows what it knows of stock.
        var levels = await stock.LoadAsync(products.Select(p => p.Product.Sku), cancellationToken);
        foreach (var level in levels)
            stockView.Offer(level);
        cache.Load(products);
        LogLoaded(logger, products.Count, levels.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded the demo catalog ({Count} products) into the empty state store")]
    private static partial void LogSeeded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Catalog loaded: {Count} products cached and indexed, {Stocked} SKUs with a known stock level")]
    private static partial void LogLoaded(ILogger logger, int count, int stocked);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loading the catalog failed (attempt {Attempt}); retrying")]
    private static partial void LogLoadFailed(ILogger logger, int attempt, Exception exception);
}
