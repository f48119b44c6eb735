using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ShopDapr.DevSidecar.Tests.State;

/// <summary>The state HTTP API with a plain HttpClient: bodies, headers, and daprd's status codes and error shapes.</summary>
public sealed class StateHttpApiTests : IDisposable
{
    private readonly TempDir _data = new();

    public void Dispose() => _data.Dispose();

    private Task<TestSidecar> Start(string kind) => TestSidecar.StartAsync(StateStores.Resources(kind, _data));

    private static HttpClient Http(TestSidecar dapr) => new() { BaseAddress = dapr.Sidecar.HttpEndpoint };

    [Theory]
    [MemberData(nameof(StateStores.Kinds), MemberType = typeof(StateStores))]
    public async Task Post_then_get_returns_the_value_with_an_etag_and_missing_is_204(string kind)
    {
        await using var dapr = await Start(kind);
        using var http = Http(dapr);
        var ct = TestContext.Current.CancellationToken;

        var post = await http.PostAsync("/v1.0/state/statestore", Body("""[{"key":"cart","value":{"items":[1,2]}}]"""), ct);
        Assert.Equal(HttpStatusCode.NoContent, post.StatusCode);

        var get = await http.GetAsync("/v1.0/state/statestore/cart", ct);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.True(StateStores.IsStoreETag(kind, get.Headers.GetValues("ETag").Single()));
        using var doc = JsonDocument.Parse(await get.Content.ReadAsStringAsync(ct));
        Assert.Equal(2, doc.RootElement.GetProperty("items").GetArrayLength());

        Assert.Equal(HttpStatusCode.NoContent, (await http.GetAsync("/v1.0/state/statestore/nothing", ct)).StatusCode);
        // The SDK reads what HTTP wrote.
        var cart = await dapr.Client.GetStateAsync<Cart>("statestore", "cart", cancellationToken: ct);
        Assert.Equal(new[] { 1, 2 }, cart.Items);
    }

    [Theory]
    [MemberData(nameof(StateStores.Kinds), MemberType = typeof(StateStores))]
    public async Task Stale_etag_on_save_and_delete_is_409_and_leaves_the_value(string kind)
    {
        await using var dapr = await Start(kind);
        using var http = Http(dapr);
        var ct = TestContext.Current.CancellationToken;
        await http.PostAsync("/v1.0/state/statestore", Body("""[{"key":"k","value":"v1"}]"""), ct);
        var etag = (await http.GetAsync("/v1.0/state/statestore/k", ct)).Headers.GetValues("ETag").Single();
        await http.PostAsync("/v1.0/state/statestore", Body("""[{"key":"k","value":"v2"}]"""), ct);

        var save = await http.PostAsync("/v1.0/state/statestore", Body($$"""[{"key":"k","value":"v3","etag":"{{etag}}"}]"""), ct);
        await AssertError(save, HttpStatusCode.Conflict, "ERR_STATE_SAVE", ct);

        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/v1.0/state/statestore/k");
        delete.Headers.TryAddWithoutValidation("If-Match", etag);
        await AssertError(await http.SendAsync(delete, ct), HttpStatusCode.Conflict, "ERR_STATE_DELETE", ct);

        Assert.Equal("\"v2\"", await (await http.GetAsync("/v1.0/state/statestore/k", ct)).Content.ReadAsStringAsync(ct));
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("/v1.0/state/statestore/k", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await http.GetAsync("/v1.0/state/statestore/k", ct)).StatusCode);
    }

    [Theory]
    [MemberData(nameof(StateStores.Kinds), MemberType = typeof(StateStores))]
    public async Task A_value_with_a_ttl_reports_its_expiry_in_a_metadata_header(string kind)
    {
        await using var dapr = await Start(kind);
        using var http = Http(dapr);
        var ct = TestContext.Current.CancellationToken;
        var before = DateTimeOffset.UtcNow;

        await http.PostAsync("/v1.0/state/statestore", Body("""[{"key":"t","value":1,"metadata":{"ttlInSeconds":"3600"}}]"""), ct);
        var get = await http.GetAsync("/v1.0/state/statestore/t", ct);

        var expires = DateTimeOffset.Parse(get.Headers.GetValues("metadata.ttlExpireTime").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires, before.AddSeconds(3599), before.AddSeconds(3700));
        await http.PostAsync("/v1.0/state/statestore", Body("""[{"key":"plain","value":1}]"""), ct);
        var plain = await http.GetAsync("/v1.0/state/statestore/plain", ct);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.False(plain.Headers.Contains("metadata.ttlExpireTime"));
    }

    [Fact]
    public async Task Unknown_store_is_400_ERR_STATE_STORE_NOT_FOUND()
    {
        await using var dapr = await Start(StateStores.InMemory);
        using var http = Http(dapr);
        var ct = TestContext.Current.CancellationToken;

        var body = await AssertError(await http.GetAsync("/v1.0/state/nostore/k", ct), HttpStatusCode.BadRequest, "ERR_STATE_STORE_NOT_FOUND", ct);
        Assert.Equal("state store nostore is not found", body.GetProperty("message").GetString());
        await AssertError(await http.PostAsync("/v1.0/state/nostore", Body("[]"), ct), HttpStatusCode.BadRequest, "ERR_STATE_STORE_NOT_FOUND", ct);
    }

    [Theory]
    [InlineData("/v1.0/state/statestore", "{not json")]
    [InlineData("/v1.0/state/statestore", """{"key":"k"}""")]
    [InlineData("/v1.0/state/statestore", """[{"key":5,"value":1}]""")]
    [InlineData("/v1.0/state/statestore", """[{"value":1}]""")]
    [InlineData("/v1.0/state/statestore", """[{"key":"k","value":1,"metadata":{"ttlInSeconds":"soon"}}]""")]
    [InlineData("/v1.0/state/statestore/bulk", "[1,2]")]
    [InlineData("/v1.0/state/statestore/transaction", """{"operations":[{"operation":"upsert"}]}""")]
    [InlineData("/v1.0/state/statestore/transaction", "")]
    public async Task Malformed_bodies_are_400_never_5xx(string path, string body)
    {
        await using var dapr = await Start(StateStores.Sqlite);
        using var http = Http(dapr);
        var ct = TestContext.Current.CancellationToken;

        var response = await http.PostAsync(path, Body(body), ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        Assert.Equal("ERR_MALFORMED_REQUEST", doc.RootElement.GetProperty("errorCode").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await http.GetAsync("/v1.0/state/statestore/k", ct)).StatusCode);
    }

    [Fact]
    public async Task Unsupported_transaction_operation_is_400()
    {
        await using var dapr = await Start(StateStores.InMemory);
        using var http = Http(dapr);
        var ct = TestContext.Current.CancellationToken;

        var response = await http.PostAsync("/v1.0/state/statestore/transaction", Body("""{"operations":[{"operation":"merge","request":{"key":"k"}}]}"""), ct);

        await AssertError(response, HttpStatusCode.BadRequest, "ERR_NOT_SUPPORTED_STATE_OPERATION", ct);
    }

    [Theory]
    [MemberData(nameof(StateStores.Kinds), MemberType = typeof(StateStores))]
    public async Task Bulk_and_transaction_routes_work_and_a_stale_transaction_writes_nothing(string kind)
    {
        await using var dapr = await Start(kind);
        using var http = Http(dapr);
        var ct = TestContext.Current.CancellationToken;

        var tx = await http.PostAsync("/v1.0/state/statestore/transaction", Body("""
            {"operations":[
              {"operation":"upsert","request":{"key":"a","value":1}},
              {"operation":"upsert","request":{"key":"b","value":{"x":"y"}}}]}
            """), ct);
        Assert.Equal(HttpStatusCode.NoContent, tx.StatusCode);

        var bulk = await http.PostAsync("/v1.0/state/statestore/bulk", Body("""{"keys":["a","b","c"],"parallelism":2}"""), ct);
        Assert.Equal(HttpStatusCode.OK, bulk.StatusCode);
        var items = (await bulk.Content.ReadFromJsonAsync<JsonElement>(ct)).EnumerateArray().ToList();
        Assert.Equal(["a", "b", "c"], items.Select(i => i.GetProperty("key").GetString()));
        Assert.Equal(1, items[0].GetProperty("data").GetInt32());
        Assert.Equal("y", items[1].GetProperty("data").GetProperty("x").GetString());
        Assert.False(items[2].TryGetProperty("data", out var _));

        var stale = await http.PostAsync("/v1.0/state/statestore/transaction", Body("""
            {"operations":[
              {"operation":"delete","request":{"key":"a"}},
              {"operation":"upsert","request":{"key":"b","value":2,"etag":"00000000-0000-0000-0000-000000000000"}}]}
            """), ct);
        await AssertError(stale, HttpStatusCode.InternalServerError, "ERR_STATE_TRANSACTION", ct); // daprd's status for a failed transaction
        Assert.Equal("1", await (await http.GetAsync("/v1.0/state/statestore/a", ct)).Content.ReadAsStringAsync(ct));
    }

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> AssertError(HttpResponseMessage response, HttpStatusCode status, string code, CancellationToken ct)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(code, body.GetProperty("errorCode").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
        return body;
    }

    private sealed record Cart(int[] Items);
}
