using System.Collections.Concurrent;
using ShopDapr.Catalog.Domain;

namespace ShopDapr.Catalog.Data;

/// <summary>
/// The hot-read copy of every SKU's availability, keyed by the normalised SKU. Filled from state at start-up and then
/// from <c>inventory-events</c>; a write keeps whichever level is newer, so concurrent events settle on the latest.
/// </summary>
public sealed class StockView
{
    private readonly ConcurrentDictionary<string, StockAvailability> _levels = new(StringComparer.Ordinal);

    public int Count => _levels.Count;

    /// <summary>The availability of <paramref name="sku"/>, or null when inventory has said nothing about it yet.</summary>
    public StockAvailability? Find(string sku) =>
        _levels.TryGetValue(StockAvailability.Normalize(sku), out var level) ? level : null;

    /// <summary>Keeps <paramref name="level"/> unless a newer one is held; true when it was kept.</summary>
    public bool Offer(StockAvailability level)
    {
        var key = StockAvailability.Normalize(level.Sku);
        while (true)
        {
            if (!_levels.TryGetValue(key, out var current))
            {
                if (_levels.TryAdd(key, level))
                    return true;
                continue;
            }
            if (!StockAvailability.Replaces(current, level))
                return false;
            if (_levels.TryUpdate(key, level, current))
                return true;
        }
    }
}
