using System.Net;
using ShopDapr.Contracts.Catalog;
using static ShopDapr.Catalog.Tests.Functional.CatalogAppFactory;

namespace ShopDapr.Catalog.Tests.Functional;

/// <summary>GET /internal/catalog/skus/{sku}: inventory asks whether a product has a SKU before an admin stocks it.</summary>
public sealed class SkuApiTests(CatalogAppFactory app) : IClassFixture<CatalogAppFactory>
{
    [Fact]
    public async Task A_seeded_products_sku_is_known_in_any_case_and_an_unknown_one_is_404()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);
        var sku = (await ReadAsync<PageDto>(await client.GetAsync("/api/catalog/products?pageSize=1", ct), ct)).Items[0].Sku;

        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync(CatalogRoutes.Sku(sku), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync(CatalogRoutes.Sku(sku.ToLowerInvariant()), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(CatalogRoutes.Sku("NOPE-000001"), ct)).StatusCode);
    }

    [Fact]
    public async Task Only_the_sidecar_may_ask()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);
        client.DefaultRequestHeaders.Remove("dapr-api-token");

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(CatalogRoutes.Sku("NOPE-000001"), ct)).StatusCode);
    }
}
