using System.Text.Json;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using ShopDapr.Catalog.Domain;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Catalog.Data;

/// <summary>
/// Products in the Dapr state store: one key per product (its ETag is the product's version) and one key
/// holding the ids of all products, so the catalog can be listed without a query API.
/// </summary>
public sealed partial class ProductStore(DaprClient dapr, ILogger<ProductStore> logger)
{
    private const string Store = ShopNames.Components.StateStore;
    private const int BulkParallelism = 8;
    private const int MaxIndexAttempts = 20;

    public async Task<VersionedProduct?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        var (product, etag) = await dapr.GetStateAndETagAsync<Product?>(Store, StateKeys.Product(id), cancellationToken: cancellationToken);
        return product is null ? null : new VersionedProduct(product, etag);
    }

    /// <summary>Every product the id index names, with its ETag. Ids without a product (a half-finished delete) are skipped.</summary>
    public async Task<IReadOnlyList<VersionedProduct>> LoadAllAsync(CancellationToken cancellationToken)
    {
        var (ids, _) = await ReadIdsAsync(cancellationToken);
        var products = new List<VersionedProduct>(ids.Count);
        foreach (var chunk in ids.Chunk(500))
        {
            var items = await dapr.GetBulkStateAsync<Product?>(Store, chunk.Select(StateKeys.Product).ToList(), BulkParallelism, cancellationToken: cancellationToken);
            foreach (var item in items)
            {
                if (item.Value is not null)
                    products.Add(new VersionedProduct(item.Value, item.ETag));
            }
        }
        return products;
    }

    /// <summary>Writes a new product and adds it to the id index; returns it with its first ETag.</summary>
    public async Task<VersionedProduct> CreateAsync(Product product, CancellationToken cancellationToken)
    {
        await dapr.SaveStateAsync(Store, StateKeys.Product(product.Id), product, cancellationToken: cancellationToken);
        await UpdateIdsAsync(ids => ids.Add(product.Id), cancellationToken);
        return await GetAsync(product.Id, cancellationToken)
            ?? throw new InvalidOperationException($"Product {product.Id} vanished right after it was written.");
    }

    /// <summary>Replaces the product if its stored ETag is still <paramref name="etag"/>; null when it is not (stale).</summary>
    public async Task<VersionedProduct?> TryUpdateAsync(Product product, string etag, CancellationToken cancellationToken)
    {
        if (!await dapr.TrySaveStateAsync(Store, StateKeys.Product(product.Id), product, etag, cancellationToken: cancellationToken))
            return null;
        return await GetAsync(product.Id, cancellationToken);
    }

    /// <summary>Deletes the product if its stored ETag is still <paramref name="etag"/>; false when it is not (stale).</summary>
    public async Task<bool> TryDeleteAsync(Guid id, string etag, CancellationToken cancellationToken)
    {
        if (!await dapr.TryDeleteStateAsync(Store, StateKeys.Product(id), etag, cancellationToken: cancellationToken))
            return false;
        await UpdateIdsAsync(ids => ids.Remove(id), cancellationToken);
        return true;
    }

    /// <summary>
    /// Writes many products at once (the demo catalog), each chunk in one state transaction, and adds them all to the
    /// id index. A transaction rather than SaveBulkStateAsync: the SDK 1.19 bulk save does not send the Dapr API token.
    /// </summary>
    public async Task SaveManyAsync(IReadOnlyList<Product> products, CancellationToken cancellationToken)
    {
        foreach (var chunk in products.Chunk(500))
        {
            var upserts = chunk.Select(p => new StateTransactionRequest(
                StateKeys.Product(p.Id), JsonSerializer.SerializeToUtf8Bytes(p, dapr.JsonSerializerOptions), StateOperationType.Upsert)).ToList();
            await dapr.ExecuteStateTransactionAsync(Store, upserts, cancellationToken: cancellationToken);
        }
        await UpdateIdsAsync(ids => ids.UnionWith(products.Select(p => p.Id)), cancellationToken);
    }

    public async Task<bool> IsDemoSeededAsync(CancellationToken cancellationToken) =>
        await dapr.GetStateAsync<DemoSeedMarker?>(Store, StateKeys.DemoSeeded, cancellationToken: cancellationToken) is not null;

    public Task MarkDemoSeededAsync(DemoSeedMarker marker, CancellationToken cancellationToken) =>
        dapr.SaveStateAsync(Store, StateKeys.DemoSeeded, marker, cancellationToken: cancellationToken);

    private async Task<(List<Guid> Ids, string ETag)> ReadIdsAsync(CancellationToken cancellationToken)
    {
        var (ids, etag) = await dapr.GetStateAndETagAsync<List<Guid>?>(Store, StateKeys.ProductIds, cancellationToken: cancellationToken);
        return (ids ?? [], etag);
    }

    /// <summary>Read-modify-write of the id index with its ETag, retried when another writer got there first.</summary>
    private async Task UpdateIdsAsync(Action<HashSet<Guid>> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxIndexAttempts; attempt++)
        {
            var (list, etag) = await ReadIdsAsync(cancellationToken);
            var ids = list.ToHashSet();
            change(ids);
            var saved = string.IsNullOrEmpty(etag)
                ? await TrySaveFirstAsync(ids, cancellationToken)
                : await dapr.TrySaveStateAsync(Store, StateKeys.ProductIds, ids.ToList(), etag, cancellationToken: cancellationToken);
            if (saved)
                return;
            LogIndexConflict(logger, attempt);
        }
        throw new InvalidOperationException($"The product id index stayed contended for {MaxIndexAttempts} attempts.");
    }

    /// <summary>
    /// The first write of the index, when there is no key yet to carry an ETag: first-write concurrency, so of two
    /// writers racing on an empty store one fails (gRPC Aborted) and retries on top of the other's index.
    /// </summary>
    private async Task<bool> TrySaveFirstAsync(HashSet<Guid> ids, CancellationToken cancellationToken)
    {
        try
        {
            await dapr.SaveStateAsync(Store, StateKeys.ProductIds, ids.ToList(),
                new StateOptions { Concurrency = ConcurrencyMode.FirstWrite }, cancellationToken: cancellationToken);
            return true;
        }
        catch (DaprException e) when (e.InnerException is RpcException { StatusCode: StatusCode.Aborted })
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Product id index changed underneath us (attempt {Attempt}); retrying")]
    private static partial void LogIndexConflict(ILogger logger, int attempt);
}

/// <summary>What the seeding marker records.</summary>
public sealed record DemoSeedMarker(int Count, int Seed, DateTimeOffset SeededAt);
