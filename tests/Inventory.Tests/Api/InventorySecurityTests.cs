using System.Net;
using System.Text;
using ShopDapr.Contracts.Inventory;
using ShopDapr.Testing;

namespace ShopDapr.Inventory.Tests.Api;

/// <summary>Every route × caller, and the bad-input contract: only 4xx ProblemDetails, never 5xx, nothing changed.</summary>
public sealed class InventorySecurityTests : IAsyncLifetime
{
    private const string Sku = "ABC-000001";
    private InventoryFactory _app = null!;
    private Guid _order;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = await InventoryFactory.StartAsync(Ct);
        await _app.Actors.StockAsync(Sku, 10);
        _order = Guid.NewGuid();
        var reserved = await _app.SidecarClient().PostAsync(InventoryRoutes.Reservations,
            Json($$"""{"orderId":"{{_order}}","lines":[{"sku":"{{Sku}}","quantity":2}]}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, reserved.StatusCode);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static StringContent Json(string body, string type = "application/json") => new(body, Encoding.UTF8, type);

    [Fact]
    public async Task Anyone_reads_only_an_admin_writes()
    {
        var tokens = new Dictionary<string, (string? Token, HttpStatusCode Put)>
        {
            ["anonymous"] = (null, HttpStatusCode.Unauthorized),
            ["forged admin"] = (_app.Tokens.Forged(), HttpStatusCode.Unauthorized),
            ["expired admin"] = (_app.Tokens.Create("admin-1", ["admin"], TimeSpan.FromMinutes(5), DateTime.UtcNow.AddHours(-1)), HttpStatusCode.Unauthorized),
            ["wrong-audience admin"] = (_app.Tokens.Create("admin-1", ["admin"], audience: "someone-else"), HttpStatusCode.Unauthorized),
            ["customer"] = (_app.Tokens.Customer(), HttpStatusCode.Forbidden),
            ["admin"] = (_app.Tokens.Admin(), HttpStatusCode.OK),
        };
        foreach (var (caller, (token, expectedPut)) in tokens)
        {
            var client = _app.ClientWith(token);
            Assert.True((await client.GetAsync($"/api/inventory/{Sku}", Ct)).StatusCode == HttpStatusCode.OK, $"GET as {caller}");
            var put = await client.PutAsync($"/api/inventory/{Sku}", Json("""{"onHand":42}"""), Ct);
            Assert.True(put.StatusCode == expectedPut, $"PUT as {caller}: {(int)put.StatusCode}");
            if (!put.IsSuccessStatusCode)
            {
                await put.ReadProblemAsync(Ct);
                Assert.Equal(10, (await _app.Actors.LevelAsync(Sku)).OnHand);
            }
        }
        Assert.Equal(42, (await _app.Actors.LevelAsync(Sku)).OnHand);
    }

    [Fact]
    public async Task With_an_app_token_only_the_sidecar_reaches_the_internal_routes()
    {
        await using var app = await InventoryFactory.StartAsync(Ct);
        await app.Actors.StockAsync(Sku, 10);
        var body = $$"""{"orderId":"{{Guid.NewGuid()}}","lines":[{"sku":"{{Sku}}","quantity":1}]}""";

        var anonymous = await app.ClientWith(null).WithoutAppToken().PostAsync(InventoryRoutes.Reservations, Json(body), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        await anonymous.ReadProblemAsync(Ct);
        var admin = await app.ClientWith(app.Tokens.Admin()).WithoutAppToken().PostAsync(InventoryRoutes.Release(_order), null, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, admin.StatusCode);
        var wrong = app.ClientWith(null).WithoutAppToken();
        wrong.DefaultRequestHeaders.Add("dapr-api-token", "guess");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.PostAsync(InventoryRoutes.Reservations, Json(body), Ct)).StatusCode);
        Assert.Equal(0, (await app.Actors.LevelAsync(Sku)).Reserved);

        Assert.Equal(HttpStatusCode.OK, (await app.SidecarClient().PostAsync(InventoryRoutes.Reservations, Json(body), Ct)).StatusCode);
        Assert.Equal(1, (await app.Actors.LevelAsync(Sku)).Reserved);
    }

    public static TheoryData<string, string, string, HttpStatusCode> BadInput => new()
    {
        { "GET", "/api/inventory/AB", "", HttpStatusCode.BadRequest },
        { "GET", "/api/inventory/-ABC", "", HttpStatusCode.BadRequest },
        { "GET", "/api/inventory/ABC_1", "", HttpStatusCode.BadRequest },
        { "GET", "/api/inventory/<script>", "", HttpStatusCode.BadRequest },
        { "GET", "/api/inventory/' OR '1'='1", "", HttpStatusCode.BadRequest },
        { "GET", $"/api/inventory/{new string('A', 33)}", "", HttpStatusCode.BadRequest },
        { "GET", "/api/inventory/..%2F..%2Fv1.0%2Fstate", "", HttpStatusCode.BadRequest },
        { "PUT", "/api/inventory/SKU", """{"onHand":-1}""", HttpStatusCode.UnprocessableEntity },
        { "PUT", "/api/inventory/SKU", """{"onHand":1000001}""", HttpStatusCode.UnprocessableEntity },
        { "PUT", "/api/inventory/SKU", """{"onHand":2147483647}""", HttpStatusCode.UnprocessableEntity },
        { "PUT", "/api/inventory/SKU", """{"onHand":99999999999999999999}""", HttpStatusCode.BadRequest },
        { "PUT", "/api/inventory/SKU", """{"onHand":1.5}""", HttpStatusCode.BadRequest },
        { "PUT", "/api/inventory/SKU", """{"onHand":"ten"}""", HttpStatusCode.BadRequest },
        { "PUT", "/api/inventory/SKU", """{"onHand":null}""", HttpStatusCode.BadRequest },
        { "PUT", "/api/inventory/SKU", """{}""", HttpStatusCode.BadRequest },
        { "PUT", "/api/inventory/SKU", "{", HttpStatusCode.BadRequest },
        { "PUT", "/api/inventory/SKU", "", HttpStatusCode.BadRequest },
        { "PUT", "/api/inventory/SKU", "[1]", HttpStatusCode.BadRequest },
        { "PUT", "/api/inventory/SKU", """{"onHand":1}""", HttpStatusCode.Conflict },
        { "PUT", "/api/inventory/A%20B", """{"onHand":5}""", HttpStatusCode.BadRequest },
        { "POST", InventoryRoutes.Reservations, "{", HttpStatusCode.BadRequest },
        { "POST", InventoryRoutes.Reservations, """{"lines":[{"sku":"SKU","quantity":1}]}""", HttpStatusCode.BadRequest },
        { "POST", InventoryRoutes.Reservations, """{"orderId":"00000000-0000-0000-0000-000000000000","lines":[{"sku":"SKU","quantity":1}]}""", HttpStatusCode.BadRequest },
        { "POST", InventoryRoutes.Reservations, """{"orderId":"not-a-guid","lines":[{"sku":"SKU","quantity":1}]}""", HttpStatusCode.BadRequest },
        { "POST", InventoryRoutes.Reservations, """{"orderId":"NEW","lines":[]}""", HttpStatusCode.BadRequest },
        { "POST", InventoryRoutes.Reservations, """{"orderId":"NEW"}""", HttpStatusCode.BadRequest },
        { "POST", InventoryRoutes.Reservations, """{"orderId":"NEW","lines":[null]}""", HttpStatusCode.BadRequest },
        { "POST", InventoryRoutes.Reservations, """{"orderId":"NEW","lines":[{"sku":"A B","quantity":1}]}""", HttpStatusCode.BadRequest },
        { "POST", InventoryRoutes.Reservations, """{"orderId":"NEW","lines":[{"sku":"SKU"}]}""", HttpStatusCode.BadRequest },
        { "POST", InventoryRoutes.Reservations, """{"orderId":"NEW","lines":[{"sku":"SKU","quantity":0}]}""", HttpStatusCode.UnprocessableEntity },
        { "POST", InventoryRoutes.Reservations, """{"orderId":"NEW","lines":[{"sku":"SKU","quantity":-5}]}""", HttpStatusCode.UnprocessableEntity },
        { "POST", InventoryRoutes.Reservations, """{"orderId":"NEW","lines":[{"sku":"SKU","quantity":10001}]}""", HttpStatusCode.UnprocessableEntity },
        { "POST", InventoryRoutes.Reservations, """{"orderId":"NEW","lines":[{"sku":"SKU","quantity":6000},{"sku":"abc-000001","quantity":6000}]}""", HttpStatusCode.UnprocessableEntity },
        { "POST", InventoryRoutes.Reservations, $$"""{"orderId":"NEW","lines":[{{string.Join(",", Enumerable.Repeat("""{"sku":"SKU","quantity":1}""", 101))}}]}""", HttpStatusCode.UnprocessableEntity },
        { "POST", InventoryRoutes.Reservations, """{"orderId":"NEW","lines":[{"sku":"SKU","quantity":11}]}""", HttpStatusCode.Conflict },
        { "POST", "/internal/inventory/reservations/not-a-guid/confirm", "", HttpStatusCode.NotFound },
        { "POST", "/internal/inventory/reservations/ORDER/cancel", "", HttpStatusCode.NotFound },
        { "DELETE", "/api/inventory/SKU", "", HttpStatusCode.MethodNotAllowed },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_is_a_4xx_problem_and_changes_nothing(string method, string route, string body, HttpStatusCode expected)
    {
        var before = await _app.Actors.LevelAsync(Sku);
        var records = _app.Dapr.Snapshot();
        var newOrder = Guid.NewGuid();
        string Fill(string s) => s.Replace("SKU", Sku).Replace("\"NEW\"", $"\"{newOrder}\"").Replace("ORDER", _order.ToString());
        var request = new HttpRequestMessage(new HttpMethod(method), Fill(route))
        {
            Content = method is "GET" or "DELETE" ? null : Json(Fill(body)),
        };
        var client = route.StartsWith("/internal", StringComparison.Ordinal) ? _app.SidecarClient() : _app.ClientWith(_app.Tokens.Admin());
        var response = await client.SendAsync(request, Ct);

        Assert.Equal(expected, response.StatusCode);
        await response.ReadProblemAsync(Ct);
        Assert.Equal(before, await _app.Actors.LevelAsync(Sku));
        if (expected != HttpStatusCode.Conflict)
            Assert.Equal(records, _app.Dapr.Snapshot());
    }

    [Fact]
    public async Task A_one_megabyte_body_is_413_and_xml_is_415()
    {
        var client = _app.ClientWith(_app.Tokens.Admin());
        var big = await client.PutAsync($"/api/inventory/{Sku}", Json($$"""{"onHand":1,"pad":"{{new string('x', 1024 * 1024)}}"}"""), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        await big.ReadProblemAsync(Ct);
        var xml = await client.PutAsync($"/api/inventory/{Sku}", Json("<onHand>1</onHand>", "application/xml"), Ct);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, xml.StatusCode);
        await xml.ReadProblemAsync(Ct);
        Assert.Equal(10, (await _app.Actors.LevelAsync(Sku)).OnHand);
    }
}
