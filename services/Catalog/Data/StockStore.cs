using Dapr;
using Dapr.Client;
using Grpc.Core;
using ShopDapr.Catalog.Domain;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Catalog.Data;

/// <summary>
/// Availability in the Dapr state store, one key per SKU (<c>stock-{SKU}</c>), so it survives a restart of the
/// catalog. A change is a read-modify-write guarded by the key's ETag: of two events of one SKU handled at once, the
/// newer level ends up stored whichever writes last.
/// </summary>
public sealed partial class StockStore(DaprClient dapr, ILogger<StockStore> logger)
{
    private const string Store = ShopNames.Components.StateStore;
    private const int MaxAttempts = 20;
    private const int BulkParallelism = 8;

    public enum Outcome
    {
        /// <summary>Stored: it is the newest level known.</summary>
        Stored,

        /// <summary>Not stored: the store already holds this level or a newer one (a redelivery or a late event).</summary>
        AlreadyCurrent,
    }

    /// <summary>Stores <paramref name="level"/> unless the stored level is as new or newer; returns what was done and what is stored now.</summary>
    public async Task<(Outcome Outcome, StockAvailability Current)> ApplyAsync(StockAvailability level, CancellationToken cancellationToken)
    {
        var key = StateKeys.Stock(StockAvailability.Normalize(level.Sku));
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var (stored, etag) = await dapr.GetStateAndETagAsync<StockAvailability?>(Store, key, cancellationToken: cancellationToken);
            if (!StockAvailability.Replaces(stored, level))
                return (Outcome.AlreadyCurrent, stored!);
            var saved = string.IsNullOrEmpty(etag)
                ? await TrySaveFirstAsync(key, level, cancellationToken)
                : await dapr.TrySaveStateAsync(Store, key, level, etag, cancellationToken: cancellationToken);
            if (saved)
                return (Outcome.Stored, level);
            LogConflict(logger, level.Sku, attempt);
        }
        throw new InvalidOperationException($"The stock key of {level.Sku} stayed contended for {MaxAttempts} attempts.");
    }

    /// <summary>The stored availability of each of <paramref name="skus"/> that has one.</summary>
    public async Task<IReadOnlyList<StockAvailability>> LoadAsync(IEnumerable<string> skus, CancellationToken cancellationToken)
    {
        var keys = skus.Select(StockAvailability.Normalize).Distinct(StringComparer.Ordinal).Select(StateKeys.Stock).ToList();
        var levels = new List<StockAvailability>();
        foreach (var chunk in keys.Chunk(500))
        {
            var items = await dapr.GetBulkStateAsync<StockAvailability?>(Store, chunk, BulkParallelism, cancellationToken: cancellationToken);
            levels.AddRange(items.Select(i => i.Value).OfType<StockAvailability>());
        }
        return levels;
    }

    /// <summary>The first write of a SKU's key: first-write concurrency, so of two racing writers one fails and retries on top of the other.</summary>
    private async Task<bool> TrySaveFirstAsync(string key, StockAvailability level, CancellationToken cancellationToken)
    {
        try
        {
            await dapr.SaveStateAsync(Store, key, level,
                new StateOptions { Concurrency = ConcurrencyMode.FirstWrite }, cancellationToken: cancellationToken);
            return true;
        }
        catch (DaprException e) when (e.InnerException is RpcException { StatusCode: StatusCode.Aborted })
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stock key of {Sku} changed underneath us (attempt {Attempt}); retrying")]
    private static partial void LogConflict(ILogger logger, string sku, int attempt);
}
