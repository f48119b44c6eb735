using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using ShopDapr.Catalog.Data;
using ShopDapr.Catalog.DemoData;
using ShopDapr.ServiceDefaults;
using DevDapr = ShopDapr.Testing.DevDapr;

namespace ShopDapr.Catalog.Tests.Data;

/// <summary>
/// The store on a real DaprClient against the real dev sidecar (one per test: the tests write the same keys). A rival
/// replica's write between the store's read and its conditional write is a window no sidecar opens on demand: the
/// store's client runs a hook on the wire before each write naming the index, and the rival writes through the sidecar.
/// </summary>
public sealed class ProductStoreTests : IAsyncLifetime
{
    private static readonly byte[] IndexKey = Encoding.UTF8.GetBytes("product-ids");
    private DevDapr _dapr = null!;
    private ProductStore _store = null!;
    private Func<Task>? _beforeIndexWrite;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _dapr = await DevDapr.StartAsync(ShopNames.AppIds.Catalog, Ct);
        var client = _dapr.CreateClient(async (method, body) =>
        {
            if (method is "SaveState" or "ExecuteStateTransaction" && body.AsSpan().IndexOf(IndexKey) >= 0 && _beforeIndexWrite is { } hook)
                await hook();
        });
        _store = new ProductStore(client, NullLogger<ProductStore>.Instance);
    }

    public async ValueTask DisposeAsync() => await _dapr.DisposeAsync();

    [Fact]
    public async Task A_rival_write_to_the_id_index_is_retried_not_overwritten()
    {
        var products = DemoCatalogGenerator.Generate(3, seed: 11);
        await _store.SaveManyAsync([products[0]], Ct);
        var rivalDone = false;
        _beforeIndexWrite = async () =>
        {
            if (rivalDone)
                return;
            rivalDone = true;
            // Another replica adds its product between our read and our write of the index.
            await _dapr.WriteAsync("product-ids", new List<Guid> { products[0].Id, products[1].Id }, Ct);
        };

        await _store.CreateAsync(products[2], Ct);

        Assert.True(rivalDone);
        Assert.Equal(new[] { products[0].Id, products[1].Id, products[2].Id }.Order(), _dapr.Read<List<Guid>>("product-ids")!.Order());
    }

    [Fact]
    public async Task Two_writers_creating_the_first_index_do_not_lose_an_id()
    {
        var products = DemoCatalogGenerator.Generate(2, seed: 14);
        var rivalDone = false;
        _beforeIndexWrite = async () =>
        {
            if (rivalDone)
                return;
            rivalDone = true;
            // A second replica writes the very first index between our read (no index) and our write.
            await _dapr.WriteAsync("product-ids", new List<Guid> { products[0].Id }, Ct);
        };

        await _store.CreateAsync(products[1], Ct);

        Assert.True(rivalDone);
        Assert.Equal(new[] { products[0].Id, products[1].Id }.Order(), _dapr.Read<List<Guid>>("product-ids")!.Order());
    }

    [Fact]
    public async Task Stale_etags_neither_update_nor_delete()
    {
        var product = DemoCatalogGenerator.Generate(1, seed: 12)[0];
        var created = await _store.CreateAsync(product, Ct);
        var updated = await _store.TryUpdateAsync(product with { Name = "New name" }, created.ETag, Ct);
        Assert.NotNull(updated);
        Assert.NotEqual(created.ETag, updated.ETag);

        Assert.Null(await _store.TryUpdateAsync(product with { Name = "Lost update" }, created.ETag, Ct));
        Assert.False(await _store.TryDeleteAsync(product.Id, created.ETag, Ct));

        Assert.Equal("New name", (await _store.GetAsync(product.Id, Ct))!.Product.Name);
        Assert.True(await _store.TryDeleteAsync(product.Id, updated.ETag, Ct));
        Assert.Null(await _store.GetAsync(product.Id, Ct));
        Assert.Empty(_dapr.Read<List<Guid>>("product-ids")!);
    }

    [Fact]
    public async Task Loading_skips_ids_whose_product_is_gone()
    {
        var products = DemoCatalogGenerator.Generate(4, seed: 13);
        await _store.SaveManyAsync(products, Ct);
        await _dapr.WriteAsync("product-ids", products.Select(p => p.Id).Append(Guid.NewGuid()).ToList(), Ct);

        var loaded = await _store.LoadAllAsync(Ct);

        Assert.Equal(products.Select(p => p.Id).Order(), loaded.Select(p => p.Product.Id).Order());
        Assert.All(loaded, p => Assert.False(string.IsNullOrEmpty(p.ETag)));
    }
}
