using System.Net;
using System.Net.Http.Headers;
using System.Text;
using static ShopDapr.Catalog.Tests.Functional.CatalogAppFactory;

namespace ShopDapr.Catalog.Tests.Functional;

/// <summary>The bad-input contract (docs/api.md): a client mistake is a 4xx ProblemDetails naming the problem, never a 5xx, never a write.</summary>
public sealed class BadInputTests(CatalogAppFactory app) : IClassFixture<CatalogAppFactory>
{
    [Theory]
    [InlineData("/api/catalog/products?pageSize=0", "pageSize")]
    [InlineData("/api/catalog/products?pageSize=101", "pageSize")]
    [InlineData("/api/catalog/products?pageSize=abc", "pageSize")]
    [InlineData("/api/catalog/products?page=0", "page")]
    [InlineData("/api/catalog/products?page=99999999999", "page")]
    [InlineData("/api/catalog/products?page=500&pageSize=100", "page")]
    [InlineData("/api/catalog/products?minPrice=-1", "minPrice")]
    [InlineData("/api/catalog/products?maxPrice=-0.01", "maxPrice")]
    [InlineData("/api/catalog/products?minPrice=ten", "minPrice")]
    [InlineData("/api/catalog/products?minPrice=50&maxPrice=10", "maxPrice")]
    [InlineData("/api/catalog/products?sort=popularity", "sort")]
    [InlineData("/api/catalog/search", "q")]
    [InlineData("/api/catalog/search?q=%20%20", "q")]
    [InlineData("/api/catalog/search?q=shoes&pageSize=1000", "pageSize")]
    [InlineData("/api/catalog/search?q=shoes&page=-3", "page")]
    public async Task Bad_query_parameters_are_a_400_naming_the_parameter(string url, string field)
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);

        using var response = await client.GetAsync(url, ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(field, (await ReadAsync<ProblemDto>(response, ct)).Errors!.Keys);
    }

    [Fact]
    public async Task Search_text_over_200_characters_is_a_400()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);

        using var response = await client.GetAsync("/api/catalog/search?q=" + new string('a', 201), ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("q", (await ReadAsync<ProblemDto>(response, ct)).Errors!.Keys);
    }

    [Theory]
    [InlineData("""{"sku":"BAD-1","name":"x","category":"audio","brand":"b","price":-5}""", "price")]
    [InlineData("""{"sku":"BAD-1","name":"x","category":"audio","brand":"b"}""", "price")]
    [InlineData("""{"sku":"bad sku","name":"x","category":"audio","brand":"b","price":5}""", "sku")]
    [InlineData("""{"sku":"BAD-1","name":"x","category":"rockets","brand":"b","price":5}""", "category")]
    [InlineData("""{"sku":"BAD-1","name":"x","category":"audio","brand":"b","price":5,"currency":"dollars"}""", "currency")]
    [InlineData("""{}""", "name")]
    public async Task A_product_breaking_a_rule_is_a_422_and_nothing_is_written(string json, string field)
    {
        var ct = TestContext.Current.CancellationToken;
        await app.ReadyAsync(ct);
        var before = app.Dapr.Snapshot();

        using var response = await app.Admin().PostAsync("/api/catalog/products", new StringContent(json, Encoding.UTF8, "application/json"), ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(field, (await ReadAsync<ProblemDto>(response, ct)).Errors!.Keys);
        Assert.Equal(before, app.Dapr.Snapshot());
    }

    [Theory]
    [InlineData("{not json", "application/json")]
    [InlineData("""{"price":"cheap"}""", "application/json")]
    [InlineData("""{"attributes":[1,2]}""", "application/json")]
    [InlineData("", "application/json")]
    [InlineData("sku=X", "text/plain")]
    [InlineData("""{"sku":"BAD-1","name":"x","category":"audio","brand":"b","price":5}""", "application/json; charset=nonsense")]
    [InlineData("""{"sku":"BAD-1","name":"x","category":"audio","brand":"b","price":5}""", "application/json; charset=utf-16")]
    [InlineData("""{"sku":"BAD-1","name":"x","category":"audio","brand":"b","price":5}""", "application/json; charset=\"\"")]
    public async Task A_malformed_body_is_a_4xx_problem_never_a_5xx(string body, string contentType)
    {
        var ct = TestContext.Current.CancellationToken;
        await app.ReadyAsync(ct);
        var before = app.Dapr.Snapshot();
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await app.Admin().PostAsync("/api/catalog/products", content, ct);

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, app.Dapr.Snapshot());
    }

    [Fact]
    public async Task A_rule_broken_on_update_is_a_422_before_the_etag_is_even_compared()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);
        var id = (await ReadAsync<PageDto>(await client.GetAsync("/api/catalog/products?pageSize=1", ct), ct)).Items[0].Id;
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/catalog/products/{id}")
        {
            Content = new StringContent("""{"sku":"X","name":"","category":"audio","brand":"b","price":0}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));

        using var response = await app.Admin().SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/catalog/products/not-a-guid")]
    [InlineData("/api/catalog/nothing-here")]
    public async Task Unknown_routes_are_a_404_problem(string url)
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await app.ReadyAsync(ct);

        using var response = await client.GetAsync(url, ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
