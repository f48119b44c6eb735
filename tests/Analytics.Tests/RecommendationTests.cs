using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Analytics.Tests;

public sealed class RecommendationTests : IAsyncLifetime
{
    private AnalyticsFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await AnalyticsFactory.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Customer(string id) => _app.ClientWith(_app.Tokens.Create(id, [ShopNames.Roles.Customer]));

    private async Task DeliverAsync(string topic, object integrationEvent) =>
        Assert.Equal("SUCCESS", (await _app.DeliverAsync(topic, integrationEvent.GetType().Name, integrationEvent, cancellationToken: Ct)).Status);

    private static Guid[] Ids(JsonElement list) => [.. list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("productId").GetGuid())];

    [Fact]
    public async Task Browsing_brings_what_others_bought_with_it_but_never_what_is_out_of_stock_or_what_the_customer_bought()
    {
        var (drill, bits, case_, gloves) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        foreach (var p in new[] { drill, bits, case_, gloves })
            await DeliverAsync("user-behavior", Events.Viewed(p, null, category: "tools"));
        await DeliverAsync("order-events", Events.Submitted("other-1", drill, bits));
        await DeliverAsync("order-events", Events.Submitted("other-2", drill, bits, case_));
        await DeliverAsync("order-events", Events.Submitted("other-3", drill, gloves));
        await DeliverAsync("inventory-events", Events.Depleted(case_));

        var together = await _app.Sidecar().GetFromJsonAsync<JsonElement>($"/api/recommendations/products/{drill}", Ct);
        Assert.Equal([bits, gloves], Ids(together)); // case_ is out of stock

        await DeliverAsync("user-behavior", Events.Viewed(drill, "carol", category: "tools"));
        var mine = Ids(await Customer("carol").GetFromJsonAsync<JsonElement>("/api/recommendations/me", Ct));
        Assert.Equal(bits, mine[0]); // the strongest partner of what she looked at
        Assert.Contains(gloves, mine);
        Assert.DoesNotContain(case_, mine);

        await DeliverAsync("order-events", Events.Submitted("carol", bits));
        mine = Ids(await Customer("carol").GetFromJsonAsync<JsonElement>("/api/recommendations/me", Ct));
        Assert.DoesNotContain(bits, mine);
        Assert.DoesNotContain(case_, mine);
        Assert.Contains(gloves, mine);
    }

    [Fact]
    public async Task A_customer_analytics_knows_nothing_about_gets_what_is_trending()
    {
        var (hot, warm) = (Guid.NewGuid(), Guid.NewGuid());
        await DeliverAsync("user-behavior", Events.Viewed(warm, null, category: "books"));
        await DeliverAsync("user-behavior", Events.Viewed(hot, null, category: "toys"));
        await DeliverAsync("order-events", Events.Submitted("someone", hot));

        var trending = Ids(await _app.Sidecar().GetFromJsonAsync<JsonElement>("/api/trending", Ct));
        Assert.Equal([hot, warm], trending);
        var mine = await Customer("newcomer").GetFromJsonAsync<JsonElement>("/api/recommendations/me", Ct);
        Assert.Equal(trending, Ids(mine));
        Assert.All(mine.GetProperty("items").EnumerateArray(), i => Assert.Equal("trending", i.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task Trending_reacts_to_orders()
    {
        var (viewed, ordered) = (Guid.NewGuid(), Guid.NewGuid());
        await DeliverAsync("user-behavior", Events.Viewed(viewed, null, category: "kitchen"));
        await DeliverAsync("user-behavior", Events.Viewed(viewed, null, category: "kitchen"));
        await DeliverAsync("user-behavior", Events.Viewed(ordered, null, category: "kitchen"));
        Assert.Equal([viewed, ordered], Ids(await _app.Sidecar().GetFromJsonAsync<JsonElement>("/api/trending?category=kitchen", Ct)));

        await DeliverAsync("order-events", Events.Submitted("dave", ordered));
        Assert.Equal([ordered, viewed], Ids(await _app.Sidecar().GetFromJsonAsync<JsonElement>("/api/trending?category=kitchen", Ct)));
    }

    [Fact]
    public async Task An_unknown_product_is_404_and_bad_paging_or_window_is_400()
    {
        var unknown = await _app.Sidecar().GetAsync($"/api/recommendations/products/{Guid.NewGuid()}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        foreach (var query in new[] { "window=week", "page=0", "pageSize=1000" })
        {
            var bad = await _app.Sidecar().GetAsync($"/api/trending?{query}", Ct);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
    }

    [Fact]
    public async Task Recommendations_need_a_customer_and_a_profile_shows_only_to_its_customer_or_an_admin()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.ClientWith(null).GetAsync("/api/recommendations/me", Ct)).StatusCode);
        await DeliverAsync("user-behavior", Events.Viewed(Guid.NewGuid(), "erin", category: "garden"));

        Assert.Equal(HttpStatusCode.OK, (await Customer("erin").GetAsync("/api/analytics/profiles/erin", Ct)).StatusCode);
        var admin = _app.ClientWith(_app.Tokens.Create("root", [ShopNames.Roles.Admin]));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/analytics/profiles/erin", Ct)).StatusCode);
        var other = await Customer("frank").GetAsync("/api/analytics/profiles/erin", Ct);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
    }
}
