using ShopDapr.Contracts.Analytics;
using ShopDapr.ServiceDefaults;
using static ShopDapr.Catalog.Tests.Functional.CatalogAppFactory;

namespace ShopDapr.Catalog.Tests.Functional;

public sealed class SearchApiTests(CatalogAppFactory app) : IClassFixture<CatalogAppFactory>
{
    [Fact]
    public async Task A_typo_still_finds_headphones_with_facets_over_all_matches()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);

        var result = await ReadAsync<SearchDto>(await client.GetAsync("/api/catalog/search?q=headphnes&pageSize=5", ct), ct);

        Assert.True(result.Total > 5, $"expected more than one page of headphones, got {result.Total}");
        Assert.Equal(5, result.Items.Count);
        Assert.All(result.Items, p => Assert.Contains("headphones", p.Name + " " + p.Description, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(result.Total, result.Facets.Categories.Sum(c => c.Count));
        Assert.Equal(result.Total, result.Facets.Brands.Sum(c => c.Count));
        Assert.Equal("audio", result.Facets.Categories[0].Value);
    }

    [Fact]
    public async Task Stemmed_queries_find_the_same_products()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);

        var running = await ReadAsync<SearchDto>(await client.GetAsync("/api/catalog/search?q=running%20shoes&pageSize=100", ct), ct);
        var run = await ReadAsync<SearchDto>(await client.GetAsync("/api/catalog/search?q=run%20shoe&pageSize=100", ct), ct);

        Assert.NotEmpty(running.Items);
        Assert.Equal(running.Items.Select(p => p.Id).Order(), run.Items.Select(p => p.Id).Order());
    }

    [Fact]
    public async Task Pages_of_a_search_do_not_overlap()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);

        var one = await ReadAsync<SearchDto>(await client.GetAsync("/api/catalog/search?q=shoes&page=1&pageSize=3", ct), ct);
        var two = await ReadAsync<SearchDto>(await client.GetAsync("/api/catalog/search?q=shoes&page=2&pageSize=3", ct), ct);

        Assert.Equal((3, 3, 2), (one.Items.Count, two.Items.Count, two.Page));
        Assert.Equal(one.Total, two.Total);
        Assert.Empty(one.Items.Select(p => p.Id).Intersect(two.Items.Select(p => p.Id)));
    }

    [Fact]
    public async Task A_search_publishes_SearchPerformed_with_the_result_count()
    {
        var ct = TestContext.Current.CancellationToken;
        await app.ReadyAsync(ct);
        var client = app.As("customer-7", ShopNames.Roles.Customer);

        var result = await ReadAsync<SearchDto>(await client.GetAsync("/api/catalog/search?q=kettle", ct), ct);

        var search = await app.Dapr.Published.WaitForAsync(e => e.Type == nameof(SearchPerformed) && e.As<SearchPerformed>().Query == "kettle", ct);
        Assert.Equal(ShopNames.Topics.UserBehavior, search.Topic);
        Assert.Equal((result.Total, "customer-7"), (search.As<SearchPerformed>().ResultCount, search.As<SearchPerformed>().UserId));
    }
}
