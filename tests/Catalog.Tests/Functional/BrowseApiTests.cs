using System.Net;
using ShopDapr.Catalog.Domain;
using ShopDapr.Contracts.Analytics;
using ShopDapr.ServiceDefaults;
using static ShopDapr.Catalog.Tests.Functional.CatalogAppFactory;

namespace ShopDapr.Catalog.Tests.Functional;

public sealed class BrowseApiTests(CatalogAppFactory app) : IClassFixture<CatalogAppFactory>
{
    [Fact]
    public async Task An_empty_store_is_seeded_with_the_demo_catalog_and_listed()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);

        var page = await ReadAsync<PageDto>(await client.GetAsync("/api/catalog/products?pageSize=100", ct), ct);

        Assert.Equal(DemoCount, page.Total);
        Assert.Equal((1, 100, 100), (page.Page, page.PageSize, page.Items.Count));
        Assert.NotNull(app.Dapr.Read<object>("demo-catalog-seeded"));
        Assert.Equal(DemoCount, app.Dapr.Read<List<Guid>>("product-ids")!.Count);
    }

    [Fact]
    public async Task Filters_and_sort_apply_over_the_whole_catalog()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);

        var page = await ReadAsync<PageDto>(await client.GetAsync("/api/catalog/products?category=audio&minPrice=50&maxPrice=300&sort=-price&pageSize=100", ct), ct);

        Assert.NotEmpty(page.Items);
        Assert.All(page.Items, p => Assert.True(p.Category == "audio" && p.Price is >= 50 and <= 300));
        Assert.Equal(page.Items.Select(p => p.Price).OrderDescending(), page.Items.Select(p => p.Price));
        Assert.Equal(page.Total, page.Items.Count);
    }

    [Fact]
    public async Task One_product_has_its_etag_and_an_honest_unknown_stock()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);
        var first = (await ReadAsync<PageDto>(await client.GetAsync("/api/catalog/products?pageSize=1", ct), ct)).Items[0];

        using var response = await client.GetAsync($"/api/catalog/products/{first.Id}", ct);
        var product = await ReadAsync<ProductDto>(response, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equivalent(first, product, strict: true);
        Assert.Equal((0, false), (product.Available, product.StockKnown));
        Assert.Matches("^\"[^\"]+\"$", response.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Viewing_a_product_signed_in_publishes_ProductViewed_with_the_user()
    {
        var ct = TestContext.Current.CancellationToken;
        await app.ReadyAsync(ct);
        var client = app.As("customer-42", ShopNames.Roles.Customer);
        var id = (await ReadAsync<PageDto>(await client.GetAsync("/api/catalog/products?pageSize=1&sort=newest", ct), ct)).Items[0].Id;

        (await client.GetAsync($"/api/catalog/products/{id}", ct)).EnsureSuccessStatusCode();

        var viewed = await app.Dapr.Published.WaitForAsync(e => e.Type == nameof(ProductViewed) && e.As<ProductViewed>().ProductId == id, ct);
        Assert.Equal((ShopNames.Topics.UserBehavior, "customer-42"), (viewed.Topic, viewed.As<ProductViewed>().UserId));
    }

    [Fact]
    public async Task An_unknown_product_is_a_404_problem()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);

        using var response = await client.GetAsync($"/api/catalog/products/{Guid.NewGuid()}", ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Categories_list_every_known_category_with_live_counts()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);

        var categories = await ReadAsync<List<CategoryDto>>(await client.GetAsync("/api/catalog/categories", ct), ct);
        var audio = await ReadAsync<PageDto>(await client.GetAsync("/api/catalog/products?category=audio&pageSize=1", ct), ct);

        Assert.Equal(Categories.All.Select(c => c.Slug), categories.Select(c => c.Slug));
        Assert.Equal(audio.Total, categories.Single(c => c.Slug == "audio").ProductCount);
        Assert.Equal(app.Dapr.Read<List<Guid>>("product-ids")!.Count, categories.Sum(c => c.ProductCount));
    }
}
