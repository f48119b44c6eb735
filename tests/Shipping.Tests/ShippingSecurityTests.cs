using System.Net;
using System.Net.Http.Json;
using System.Text;
using ShopDapr.Contracts.Shipping;
using ShopDapr.Testing;

namespace ShopDapr.Shipping.Tests;

public sealed class ShippingSecurityTests : IAsyncLifetime
{
    private ShippingFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await ShippingFactory.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("GET", "/api/shipping/{id}")]
    [InlineData("POST", "/api/shipping/{id}/delivered")]
    public async Task Admin_routes_are_401_without_a_token_and_403_for_customers(string method, string route)
    {
        var orderId = Guid.NewGuid();
        await _app.CreateAsync(orderId, Ct);
        var path = route.Replace("{id}", orderId.ToString());
        foreach (var (token, status) in new[]
        {
            ((string?)null, HttpStatusCode.Unauthorized),
            (_app.Tokens.Forged("x"), HttpStatusCode.Unauthorized),
            (_app.Tokens.Customer(), HttpStatusCode.Forbidden),
        })
        {
            var response = await _app.ClientWith(token).SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);
            Assert.Equal(status, response.StatusCode);
            await response.ReadProblemAsync(Ct);
        }
        Assert.DoesNotContain(await _app.EventsAsync(Ct), e => e.Data is ShipmentDelivered);
        Assert.Equal(HttpStatusCode.OK, (await _app.Admin().SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct)).StatusCode);
    }

    [Fact]
    public async Task With_an_app_token_internal_routes_answer_only_the_sidecar()
    {
        await using var app = await ShippingFactory.StartAsync(Ct);
        app.Settings["APP_API_TOKEN"] = "app-token";
        var without = await app.CreateClient().WithoutAppToken().PostAsJsonAsync(ShippingRoutes.Shipments, ShippingFactory.Request(Guid.NewGuid()), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        await without.ReadProblemAsync(Ct);
        Assert.Empty(app.Dapr.Snapshot());
        var sidecar = app.CreateClient().WithoutAppToken();
        sidecar.DefaultRequestHeaders.Add("dapr-api-token", "app-token");
        Assert.Equal(HttpStatusCode.OK, (await sidecar.PostAsJsonAsync(ShippingRoutes.Shipments, ShippingFactory.Request(Guid.NewGuid()), Ct)).StatusCode);
    }

    public static TheoryData<string, string, HttpStatusCode> BadInput => new()
    {
        { "/internal/shipments", "{", HttpStatusCode.BadRequest },
        { "/internal/shipments", "", HttpStatusCode.BadRequest },
        { "/internal/shipments", "{}", HttpStatusCode.BadRequest },
        { "/internal/shipments", "null", HttpStatusCode.BadRequest },
        { "/internal/shipments", """{"orderId":"ORDER","lines":[{"sku":"A","quantity":1}]}""", HttpStatusCode.BadRequest },
        { "/internal/shipments", """{"orderId":"ORDER","address":{"name":"A","street":"B","city":"C","postalCode":"D","country":"E"},"lines":[]}""", HttpStatusCode.BadRequest },
        { "/internal/shipments", """{"orderId":"ORDER","address":{"name":"A","street":"B","city":"C","postalCode":"D","country":"E"},"lines":[{"sku":"A","quantity":"two"}]}""", HttpStatusCode.BadRequest },
        { "/internal/shipments", """{"orderId":"ORDER","address":{"name":"A","street":"B","city":"C","postalCode":"D","country":"E"},"lines":[{"sku":"A","quantity":-2}]}""", HttpStatusCode.UnprocessableEntity },
        { "/internal/shipments", """{"orderId":"ORDER","address":{"name":"","street":"B","city":"C","postalCode":"D","country":"E"},"lines":[{"sku":"A","quantity":1}]}""", HttpStatusCode.UnprocessableEntity },
        { "/internal/shipments/not-a-guid/cancel", "", HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_is_a_4xx_problem_and_changes_nothing(string route, string body, HttpStatusCode expected)
    {
        var order = Guid.NewGuid().ToString();
        var response = await _app.CreateClient().PostAsync(route, new StringContent(body.Replace("ORDER", order), Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(expected, response.StatusCode);
        await response.ReadProblemAsync(Ct);
        Assert.Empty(_app.Dapr.Snapshot());
        Assert.Empty(await _app.EventsAsync(Ct));
    }

    [Fact]
    public async Task Admin_bad_input_is_a_4xx_problem()
    {
        foreach (var path in new[] { "/api/shipping/not-a-guid", "/api/shipping/' OR 1=1", "/api/shipping/../../v1.0/state" })
        {
            var response = await _app.Admin().GetAsync(path, Ct);
            Assert.True(response.StatusCode.IsClientError(), $"{path}: {(int)response.StatusCode}");
            await response.ReadProblemAsync(Ct);
        }
    }

    [Fact]
    public async Task The_openapi_document_is_served_for_the_gateway_docs()
    {
        var response = await _app.CreateClient().GetAsync("/openapi/v1.json", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/api/shipping/{orderId}", await response.Content.ReadAsStringAsync(Ct));
    }
}
