using System.Net;
using System.Text;
using ShopDapr.Testing;

namespace ShopDapr.Cart.Tests;

/// <summary>Every route × caller, and the bad-input contract: only 4xx ProblemDetails, never 5xx, nothing changed.</summary>
public sealed class CartSecurityTests : IAsyncLifetime
{
    private CartFactory _app = null!;
    private Guid _product;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = await CartFactory.StartAsync(Ct);
        _product = _app.AddProduct().Id;
        // The owner's cart holds the product, so "other customer" requests would find it if carts leaked.
        var owner = await _app.ClientWith(_app.Tokens.Customer("owner")).PostAsync("/api/cart/items",
            Json($$"""{"productId":"{{_product}}","quantity":1}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static StringContent Json(string body, string type = "application/json") => new(body, Encoding.UTF8, type);

    public static TheoryData<string, string> Routes => new()
    {
        { "GET", "/api/cart" },
        { "POST", "/api/cart/items" },
        { "PUT", "/api/cart/items/{id}" },
        { "DELETE", "/api/cart/items/{id}" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Authorization_matrix(string method, string route)
    {
        var expected = new Dictionary<string, HttpStatusCode[]>
        {
            ["anonymous"] = [HttpStatusCode.Unauthorized],
            ["forged"] = [HttpStatusCode.Unauthorized],
            ["expired"] = [HttpStatusCode.Unauthorized],
            ["wrong-audience"] = [HttpStatusCode.Unauthorized],
            ["admin"] = [HttpStatusCode.Forbidden],
            ["other-customer"] = method is "GET" or "POST" ? [HttpStatusCode.OK] : [HttpStatusCode.NotFound],
            ["owner"] = [HttpStatusCode.OK],
        };
        var tokens = new Dictionary<string, string?>
        {
            ["anonymous"] = null,
            ["forged"] = _app.Tokens.Forged("owner"),
            ["expired"] = _app.Tokens.Create("owner", ["customer"], TimeSpan.FromMinutes(5), DateTime.UtcNow.AddHours(-1)),
            ["wrong-audience"] = _app.Tokens.Create("owner", ["customer"], audience: "someone-else"),
            ["admin"] = _app.Tokens.Admin(),
            ["other-customer"] = _app.Tokens.Customer("intruder"),
            ["owner"] = _app.Tokens.Customer("owner"),
        };
        foreach (var (caller, token) in tokens)
        {
            var ownerCartBefore = _app.Dapr.Snapshot()["cart-owner"];
            var body = route.EndsWith("{id}") ? """{"quantity":2}""" : $$"""{"productId":"{{_product}}","quantity":1}""";
            var request = new HttpRequestMessage(new HttpMethod(method), route.Replace("{id}", _product.ToString()))
            {
                Content = method is "GET" or "DELETE" ? null : Json(body),
            };
            var response = await _app.ClientWith(token).SendAsync(request, Ct);
            Assert.True(expected[caller].Contains(response.StatusCode), $"{method} {route} as {caller}: {(int)response.StatusCode}");
            if (!response.IsSuccessStatusCode)
                await response.ReadProblemAsync(Ct);
            if (caller != "owner")
                Assert.Equal(ownerCartBefore, _app.Dapr.Snapshot()["cart-owner"]);
        }
    }

    public static TheoryData<string, string, string, HttpStatusCode> BadInput => new()
    {
        { "POST", "/api/cart/items", "{", HttpStatusCode.BadRequest },
        { "POST", "/api/cart/items", "", HttpStatusCode.BadRequest },
        { "POST", "/api/cart/items", "[1,2]", HttpStatusCode.BadRequest },
        { "POST", "/api/cart/items", """{"productId":"not-a-guid","quantity":1}""", HttpStatusCode.BadRequest },
        { "POST", "/api/cart/items", """{"productId":"PRODUCT","quantity":"one"}""", HttpStatusCode.BadRequest },
        { "POST", "/api/cart/items", """{"productId":"PRODUCT","quantity":1.5}""", HttpStatusCode.BadRequest },
        { "POST", "/api/cart/items", """{"productId":"PRODUCT","quantity":99999999999999999999}""", HttpStatusCode.BadRequest },
        { "POST", "/api/cart/items", """{"productId":"PRODUCT"}""", HttpStatusCode.BadRequest },
        { "POST", "/api/cart/items", """{"productId":"00000000-0000-0000-0000-000000000000","quantity":1}""", HttpStatusCode.BadRequest },
        { "POST", "/api/cart/items", """{"productId":"PRODUCT","quantity":-3}""", HttpStatusCode.UnprocessableEntity },
        { "POST", "/api/cart/items", """{"productId":"PRODUCT","quantity":0}""", HttpStatusCode.UnprocessableEntity },
        { "POST", "/api/cart/items", """{"productId":"PRODUCT","quantity":2147483647}""", HttpStatusCode.UnprocessableEntity },
        { "POST", "/api/cart/items", """{"productId":"PRODUCT","quantity":99}""", HttpStatusCode.UnprocessableEntity },
        { "POST", "/api/cart/items", $$"""{"productId":"{{Guid.NewGuid()}}","quantity":1}""", HttpStatusCode.NotFound },
        { "PUT", "/api/cart/items/PRODUCT", """{"quantity":-1}""", HttpStatusCode.UnprocessableEntity },
        { "PUT", "/api/cart/items/PRODUCT", """{"quantity":100}""", HttpStatusCode.UnprocessableEntity },
        { "PUT", "/api/cart/items/PRODUCT", """{"quantity":null}""", HttpStatusCode.BadRequest },
        { "PUT", "/api/cart/items/PRODUCT", """{"quantity":"7; DROP TABLE carts"}""", HttpStatusCode.BadRequest },
        { "PUT", "/api/cart/items/' OR '1'='1", """{"quantity":1}""", HttpStatusCode.NotFound },
        { "PUT", "/api/cart/items/../../v1.0/state", """{"quantity":1}""", HttpStatusCode.NotFound },
        { "PUT", $"/api/cart/items/{Guid.NewGuid()}", """{"quantity":1}""", HttpStatusCode.NotFound },
        { "DELETE", $"/api/cart/items/{Guid.NewGuid()}", "", HttpStatusCode.NotFound },
        { "DELETE", "/api/cart/items/<script>", "", HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_is_a_4xx_problem_and_changes_nothing(string method, string route, string body, HttpStatusCode expected)
    {
        var before = _app.Dapr.Snapshot();
        await _app.Dapr.SettleAsync(Ct);
        var published = _app.Dapr.Published.Count;
        var request = new HttpRequestMessage(new HttpMethod(method), route.Replace("PRODUCT", _product.ToString()))
        {
            Content = method == "DELETE" ? null : Json(body.Replace("PRODUCT", _product.ToString())),
        };
        var response = await _app.ClientWith(_app.Tokens.Customer("owner")).SendAsync(request, Ct);
        Assert.Equal(expected, response.StatusCode);
        await response.ReadProblemAsync(Ct);
        Assert.Equal(before, _app.Dapr.Snapshot());
        await _app.Dapr.SettleAsync(Ct);
        Assert.Equal(published, _app.Dapr.Published.Count);
    }

    [Fact]
    public async Task A_one_megabyte_body_is_413_and_xml_is_415()
    {
        var big = $$"""{"productId":"{{_product}}","quantity":1,"pad":"{{new string('x', 1024 * 1024)}}"}""";
        var client = _app.ClientWith(_app.Tokens.Customer("owner"));
        var tooLarge = await client.PostAsync("/api/cart/items", Json(big), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        await tooLarge.ReadProblemAsync(Ct);
        var xml = await client.PostAsync("/api/cart/items", Json("<item/>", "application/xml"), Ct);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, xml.StatusCode);
        await xml.ReadProblemAsync(Ct);
    }
}
