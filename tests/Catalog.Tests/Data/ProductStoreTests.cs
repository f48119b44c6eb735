using Microsoft.Extensions.Logging.Abstractions;
using ShopDapr.Catalog.Data;
using ShopDapr.Catalog.DemoData;
using ShopDapr.Catalog.Tests.Functional;

namespace ShopDapr.Catalog.Tests.Data;

public sealed class ProductStoreTests
{
    private readonly FakeDapr _dapr = new();
    private readonly ProductStore _store;

    public ProductStoreTests() => _store = new ProductStore(_dapr.Client, NullLogger<ProductStore>.Instance);

    [Fact]
    public async Task A_rival_write_to_the_id_index_is_retried_not_overwritten()
    {
        var ct = TestContext.Current.CancellationToken;
        var products = DemoCatalogGenerator.Generate(3, seed: 11);
        await _store.SaveManyAsync([products[0]], ct);
        var rivalDone = false;
        _dapr.BeforeConditionalWrite = key =>
        {
            if (key != "product-ids" || rivalDone)
                return;
            rivalDone = true;
            // Another replica adds its product between our read and our write of the index.
            _dapr.Write("product-ids", new List<Guid> { products[0].Id, products[1].Id });
        };

        await _store.CreateAsync(products[2], ct);

        Assert.True(rivalDone);
        Assert.Equal(new[] { products[0].Id, products[1].Id, products[2].Id }.Order(), _dapr.Read<List<Guid>>("product-ids")!.Order());
    }

    [Fact]
    public async Task Two_writers_creating_the_first_index_do_not_lose_an_id()
    {
        var ct = TestContext.Current.CancellationToken;
        var products = DemoCatalogGenerator.Generate(2, seed: 14);
        var rivalDone = false;
        _dapr.BeforeConditionalWrite = key =>
        {
            if (key != "product-ids" || rivalDone)
                return;
            rivalDone = true;
            // A second replica writes the very first index between our read (no index) and our write.
            _dapr.Write("product-ids", new List<Guid> { products[0].Id });
        };

        await _store.CreateAsync(products[1], ct);

        Assert.True(rivalDone);
        Assert.Equal(new[] { products[0].Id, products[1].Id }.Order(), _dapr.Read<List<Guid>>("product-ids")!.Order());
    }

    [Fact]
    public async Task Stale_etags_neither_update_nor_delete()
    {
        var ct = TestContext.Current.CancellationToken;
        var product = DemoCatalogGenerator.Generate(1, seed: 12)[0];
        var created = await _store.CreateAsync(product, ct);
        var updated = await _store.TryUpdateAsync(product with { Name = "New name" }, created.ETag, ct);
        Assert.NotNull(updated);
        Assert.NotEqual(created.ETag, updated.ETag);

        Assert.Null(await _store.TryUpdateAsync(product with { Name = "Lost update" }, created.ETag, ct));
        Assert.False(await _store.TryDeleteAsync(product.Id, created.ETag, ct));

        Assert.Equal("New name", (await _store.GetAsync(product.Id, ct))!.Product.Name);
        Assert.True(await _store.TryDeleteAsync(product.Id, updated.ETag, ct));
        Assert.Null(await _store.GetAsync(product.Id, ct));
        Assert.Empty(_dapr.Read<List<Guid>>("product-ids")!);
    }

    [Fact]
    public async Task Loading_skips_ids_whose_product_is_gone()
    {
        var ct = TestContext.Current.CancellationToken;
        var products = DemoCatalogGenerator.Generate(4, seed: 13);
        await _store.SaveManyAsync(products, ct);
        _dapr.Write("product-ids", products.Select(p => p.Id).Append(Guid.NewGuid()).ToList());

        var loaded = await _store.LoadAllAsync(ct);

        Assert.Equal(products.Select(p => p.Id).Order(), loaded.Select(p => p.Product.Id).Order());
        Assert.All(loaded, p => Assert.False(string.IsNullOrEmpty(p.ETag)));
    }
}
