using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ShopDapr.Contracts.Catalog;
using ShopDapr.ServiceDefaults;
using static ShopDapr.Catalog.Tests.Functional.CatalogAppFactory;

namespace ShopDapr.Catalog.Tests.Functional;

public sealed class EditApiTests(CatalogAppFactory app) : IClassFixture<CatalogAppFactory>
{
    private static object NewProduct(string sku, string name = "Acoustix Studio Teapot Speaker", decimal price = 59.50m) => new
    {
        sku,
        name,
        description = "A speaker shaped like a teapot.",
        category = "audio",
        brand = "Acoustix",
        price,
        currency = "usd",
        attributes = new Dictionary<string, string> { ["color"] = "white" },
    };

    [Fact]
    public async Task A_created_product_is_stored_listed_searchable_and_announced()
    {
        var ct = TestContext.Current.CancellationToken;
        await app.ReadyAsync(ct);
        var admin = app.Admin();

        using var created = await admin.PostAsJsonAsync("/api/catalog/products", NewProduct("TEA-0001"), ct);
        var product = await ReadAsync<ProductDto>(created, ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/catalog/products/{product.Id}", created.Headers.Location?.AbsolutePath);
        Assert.NotNull(created.Headers.ETag);
        Assert.Equal(("TEA-0001", 59.50m, "USD"), (product.Sku, product.Price, product.Currency));
        Assert.Contains(product.Id, app.Dapr.Read<List<Guid>>("product-ids")!);

        var search = await ReadAsync<SearchDto>(await app.Anonymous().GetAsync("/api/catalog/search?q=teapot", ct), ct);
        Assert.Contains(product.Id, search.Items.Select(p => p.Id));
        bool IsThis(Testing.PublishedEvent e) => e.Type == nameof(ProductCreated) && e.As<ProductCreated>().ProductId == product.Id;
        var announced = await app.Dapr.Published.WaitForAsync(IsThis, ct);
        Assert.Equal(ShopNames.Topics.CatalogEvents, announced.Topic);
        await app.Dapr.SettleAsync(ct);
        Assert.Single(app.Dapr.Published.All, IsThis);
    }

    [Fact]
    public async Task An_update_needs_the_current_etag_and_a_stale_one_is_412()
    {
        var ct = TestContext.Current.CancellationToken;
        await app.ReadyAsync(ct);
        var admin = app.Admin();
        using var created = await admin.PostAsJsonAsync("/api/catalog/products", NewProduct("TEA-0002"), ct);
        var product = await ReadAsync<ProductDto>(created, ct);
        var firstETag = created.Headers.ETag!;

        using var missing = await admin.PutAsJsonAsync($"/api/catalog/products/{product.Id}", NewProduct("TEA-0002", price: 10m), ct);
        Assert.Equal(HttpStatusCode.PreconditionRequired, missing.StatusCode);

        using var updated = await Put(admin, product.Id, NewProduct("TEA-0002", "Acoustix Studio Kettle Speaker", 45m), firstETag, ct);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.NotEqual(firstETag, updated.Headers.ETag);
        Assert.Equal(45m, (await ReadAsync<ProductDto>(updated, ct)).Price);

        using var stale = await Put(admin, product.Id, NewProduct("TEA-0002", price: 1m), firstETag, ct);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(412, (await ReadAsync<ProblemDto>(stale, ct)).Status);

        var current = await ReadAsync<ProductDto>(await app.Anonymous().GetAsync($"/api/catalog/products/{product.Id}", ct), ct);
        Assert.Equal(("Acoustix Studio Kettle Speaker", 45m), (current.Name, current.Price));
        await app.Dapr.Published.WaitForAsync(e => e.Type == nameof(ProductUpdated) && e.As<ProductUpdated>() is { Price: 45m } u && u.ProductId == product.Id, ct);
        var search = await ReadAsync<SearchDto>(await app.Anonymous().GetAsync("/api/catalog/search?q=kettle%20speaker", ct), ct);
        Assert.Contains(product.Id, search.Items.Select(p => p.Id));
    }

    [Fact]
    public async Task A_delete_needs_the_current_etag_and_removes_the_product_everywhere()
    {
        var ct = TestContext.Current.CancellationToken;
        await app.ReadyAsync(ct);
        var admin = app.Admin();
        using var created = await admin.PostAsJsonAsync("/api/catalog/products", NewProduct("TEA-0003", "Acoustix Zebra Speaker"), ct);
        var product = await ReadAsync<ProductDto>(created, ct);

        using var stale = await Send(admin, HttpMethod.Delete, product.Id, null, new EntityTagHeaderValue("\"999\""), ct);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);

        using var deleted = await Send(admin, HttpMethod.Delete, product.Id, null, created.Headers.ETag!, ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await app.Anonymous().GetAsync($"/api/catalog/products/{product.Id}", ct)).StatusCode);
        Assert.DoesNotContain(product.Id, app.Dapr.Read<List<Guid>>("product-ids")!);
        Assert.Equal(0, (await ReadAsync<SearchDto>(await app.Anonymous().GetAsync("/api/catalog/search?q=zebra", ct), ct)).Total);
        await app.Dapr.Published.WaitForAsync(e => e.Type == nameof(ProductDeleted) && e.As<ProductDeleted>().ProductId == product.Id, ct);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(admin, HttpMethod.Delete, product.Id, null, created.Headers.ETag!, ct)).StatusCode);
    }

    [Fact]
    public async Task A_second_product_with_the_same_sku_is_a_409()
    {
        var ct = TestContext.Current.CancellationToken;
        await app.ReadyAsync(ct);
        var admin = app.Admin();
        (await admin.PostAsJsonAsync("/api/catalog/products", NewProduct("TEA-0004"), ct)).EnsureSuccessStatusCode();

        using var again = await admin.PostAsJsonAsync("/api/catalog/products", NewProduct("tea-0004".ToUpperInvariant()), ct);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Edits_need_an_admin_token()
    {
        var ct = TestContext.Current.CancellationToken;
        await app.ReadyAsync(ct);
        var before = app.Dapr.Read<List<Guid>>("product-ids")!.Count;

        using var anonymous = await app.Anonymous().PostAsJsonAsync("/api/catalog/products", NewProduct("TEA-0005"), ct);
        using var customer = await app.As("customer-1", ShopNames.Roles.Customer).PostAsJsonAsync("/api/catalog/products", NewProduct("TEA-0005"), ct);
        var forgedClient = app.Anonymous();
        forgedClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Forged("mallory", ShopNames.Roles.Admin));
        using var forged = await forgedClient.PostAsJsonAsync("/api/catalog/products", NewProduct("TEA-0005"), ct);
        using var customerDelete = await Send(app.As("customer-1", ShopNames.Roles.Customer), HttpMethod.Delete, Guid.NewGuid(), null, new EntityTagHeaderValue("\"1\""), ct);

        Assert.Equal(
            (HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden),
            (anonymous.StatusCode, customer.StatusCode, forged.StatusCode, customerDelete.StatusCode));
        Assert.Equal(before, app.Dapr.Read<List<Guid>>("product-ids")!.Count);
    }

    [Fact]
    public async Task A_restart_over_the_same_store_does_not_seed_again_and_keeps_edits()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var first = new CatalogAppFactory();
        await first.InitializeAsync();
        await first.ReadyAsync(ct);
        using var created = await first.Admin().PostAsJsonAsync("/api/catalog/products", NewProduct("TEA-0006", "Acoustix Walrus Speaker"), ct);
        var product = await ReadAsync<ProductDto>(created, ct);

        await using var second = new CatalogAppFactory { Dapr = first.Dapr };
        var client = await second.ReadyAsync(ct);

        var page = await ReadAsync<PageDto>(await client.GetAsync("/api/catalog/products?pageSize=1", ct), ct);
        Assert.Equal(DemoCount + 1, page.Total);
        Assert.Equal(product.Id, (await ReadAsync<SearchDto>(await client.GetAsync("/api/catalog/search?q=walrus", ct), ct)).Items.Single().Id);
    }

    private static Task<HttpResponseMessage> Put(HttpClient client, Guid id, object body, EntityTagHeaderValue etag, CancellationToken ct) =>
        Send(client, HttpMethod.Put, id, body, etag, ct);

    private static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, Guid id, object? body, EntityTagHeaderValue etag, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, $"/api/catalog/products/{id}") { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.IfMatch.Add(etag);
        return client.SendAsync(request, ct);
    }
}
