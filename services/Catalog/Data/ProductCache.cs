using System.Collections.Concurrent;
using ShopDapr.Catalog.Domain;
using ShopDapr.Catalog.Search;

namespace ShopDapr.Catalog.Data;

/// <summary>
/// The hot-read copy of the catalog: every product with its ETag in memory, and the search index kept in step
/// with it. Filled from state at start-up, then changed by this replica's own edits and by <c>catalog-events</c>
/// from other replicas. Reads are lock-free; changes are serialised so the map and the index never disagree.
/// </summary>
public sealed class ProductCache(ProductIndex index)
{
    private readonly ConcurrentDictionary<Guid, VersionedProduct> _products = new();
    private readonly Lock _write = new();
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ProductIndex Index => index;

    public bool IsLoaded => _loaded.Task.IsCompleted;

    public int Count => _products.Count;

    public IEnumerable<Product> Products => _products.Values.Select(v => v.Product);

    public bool TryGet(Guid id, out VersionedProduct product) => _products.TryGetValue(id, out product!);

    /// <summary>True when a product other than <paramref name="exceptId"/> already has this SKU.</summary>
    public bool SkuTaken(string sku, Guid? exceptId = null) =>
        _products.Values.Any(v => v.Product.Id != exceptId && string.Equals(v.Product.Sku, sku.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Replaces the whole catalog (start-up) and marks the cache loaded.</summary>
    public void Load(IEnumerable<VersionedProduct> products)
    {
        lock (_write)
        {
            _products.Clear();
            foreach (var p in products)
                _products[p.Product.Id] = p;
            index.Rebuild(_products.Values.Select(v => v.Product));
        }
        _loaded.TrySetResult();
    }

    /// <summary>Adds or replaces a product, unless the cache already holds a newer version of it.</summary>
    public void Set(VersionedProduct product)
    {
        lock (_write)
        {
            if (_products.TryGetValue(product.Product.Id, out var current) && current.Product.UpdatedAt > product.Product.UpdatedAt)
                return;
            // The index first: whoever reads the new version from the map (lock-free) also finds it by search.
            index.Upsert(product.Product);
            _products[product.Product.Id] = product;
        }
    }

    public void Remove(Guid id)
    {
        lock (_write)
        {
            // The map first: a search hit that is no longer in the map is skipped, so no reader sees it either way.
            _products.TryRemove(id, out _);
            index.Remove(id);
        }
    }

    /// <summary>Waits for the start-up load; false when it did not finish within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitLoadedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_loaded.Task.IsCompleted)
            return true;
        try
        {
            await _loaded.Task.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
