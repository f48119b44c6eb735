using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ShopDapr.Contracts.Catalog;
using static ShopDapr.Catalog.Tests.Functional.CatalogAppFactory;

namespace ShopDapr.Catalog.Tests.Functional;

/// <summary>
/// If-Match compares strongly (RFC 9110 13.1.1): a weak validator never matches. Found by the hostile-input fuzzer on the
/// Redis component set, whose ETags are version counters: <c>W/"1"</c> overwrote a product still at version 1.
/// </summary>
public sealed class WeakETagTests(CatalogAppFactory app) : IClassFixture<CatalogAppFactory>
{
    [Fact]
    public async Task A_weak_etag_never_matches_even_with_the_current_versions_value()
    {
        var ct = TestContext.Current.CancellationToken;
        await app.ReadyAsync(ct);
        var admin = app.Admin();
        using var created = await admin.PostAsJsonAsync("/api/catalog/products", new
        {
            sku = "WEAK-0001", name = "Strongly Compared Lamp", description = "A lamp.", category = "home", brand = "Acme", price = 12m, currency = "USD",
        }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var product = await ReadAsync<ProductDto>(created, ct);
        var weak = new EntityTagHeaderValue(created.Headers.ETag!.Tag, isWeak: true);

        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/catalog/products/{product.Id}")
        {
            Content = JsonContent.Create(new { sku = "WEAK-0001", name = "Weakly Overwritten Lamp", category = "home", brand = "Acme", price = 1m }),
        };
        put.Headers.IfMatch.Add(weak);
        using var updated = await admin.SendAsync(put, ct);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/catalog/products/{product.Id}");
        delete.Headers.IfMatch.Add(weak);
        using var deleted = await admin.SendAsync(delete, ct);

        Assert.Equal((HttpStatusCode.PreconditionFailed, HttpStatusCode.PreconditionFailed), (updated.StatusCode, deleted.StatusCode));
        var current = await ReadAsync<ProductDto>(await app.Anonymous().GetAsync($"/api/catalog/products/{product.Id}", ct), ct);
        Assert.Equal(("Strongly Compared Lamp", 12m), (current.Name, current.Price));
    }
}
