using System.Net;
using System.Net.Http.Json;
using System.Text;
using ShopDapr.Contracts.Payment;
using ShopDapr.Testing;

namespace ShopDapr.Payment.Tests;

/// <summary>Admin routes need an admin token; internal routes need the sidecar's app token when one is set; bad input is a 4xx problem.</summary>
public sealed class PaymentSecurityTests : IAsyncLifetime
{
    private readonly PaymentFactory _app = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/api/payments/ledger")]
    [InlineData("/api/payments/3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    public async Task Admin_routes_are_401_without_a_token_and_403_for_customers(string route)
    {
        var expected = new Dictionary<string, (string? Token, HttpStatusCode Status)>
        {
            ["anonymous"] = (null, HttpStatusCode.Unauthorized),
            ["forged admin"] = (_app.Tokens.Forged("x"), HttpStatusCode.Unauthorized),
            ["customer"] = (_app.Tokens.Customer(), HttpStatusCode.Forbidden),
        };
        foreach (var (caller, (token, status)) in expected)
        {
            var response = await _app.ClientWith(token).GetAsync(route, Ct);
            Assert.True(status == response.StatusCode, $"{caller}: {(int)response.StatusCode}");
            await response.ReadProblemAsync(Ct);
        }
        var admin = await _app.ClientWith(_app.Tokens.Admin()).GetAsync(route, Ct);
        Assert.True(admin.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"admin: {(int)admin.StatusCode}");
    }

    [Fact]
    public async Task With_an_app_token_internal_routes_answer_only_the_sidecar()
    {
        await using var app = new PaymentFactory();
        app.Settings["APP_API_TOKEN"] = "app-token";
        var orderId = Guid.NewGuid();
        var token = await app.TokenOfAsync();
        var without = await app.CreateClient().WithoutAppToken().PostAsJsonAsync("/internal/payments", PaymentFactory.Charge(orderId, token), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        await without.ReadProblemAsync(Ct);
        Assert.Equal(0, app.Provider.Charges);

        var sidecar = app.CreateClient().WithoutAppToken();
        sidecar.DefaultRequestHeaders.Add("dapr-api-token", "app-token");
        Assert.Equal(HttpStatusCode.OK, (await sidecar.PostAsJsonAsync("/internal/payments", PaymentFactory.Charge(orderId, token), Ct)).StatusCode);
    }

    private const string UnknownToken = "card_0123456789abcdef0123456789abcdef";

    public static TheoryData<string, string, HttpStatusCode> BadInput => new()
    {
        { "/internal/payments", "{", HttpStatusCode.BadRequest },
        { "/internal/payments", "", HttpStatusCode.BadRequest },
        { "/internal/payments", "[1]", HttpStatusCode.BadRequest },
        { "/internal/payments", "{}", HttpStatusCode.BadRequest },
        { "/internal/payments", """{"orderId":"nope","amount":1,"currency":"EUR"}""", HttpStatusCode.BadRequest },
        { "/internal/payments", """{"orderId":"ORDER","amount":"ten","currency":"EUR","cardToken":"TOKEN"}""", HttpStatusCode.BadRequest },
        { "/internal/payments", """{"orderId":"ORDER","amount":10,"currency":"EUR"}""", HttpStatusCode.BadRequest },
        { "/internal/payments", """{"orderId":"ORDER","amount":10,"currency":"EUR","cardToken":null}""", HttpStatusCode.BadRequest },
        { "/internal/payments", """{"orderId":"ORDER","amount":10,"currency":"EUR","cardToken":"card_xyz"}""", HttpStatusCode.BadRequest },
        // A card is never charged from its number: only a token of payment's vault names a card.
        { "/internal/payments", """{"orderId":"ORDER","amount":10,"currency":"EUR","cardToken":"4242424242424242"}""", HttpStatusCode.BadRequest },
        { "/internal/payments", """{"orderId":"ORDER","amount":10,"currency":"EUR","card":{"number":"4242424242424242","expiry":"12/39","cvc":"123"}}""", HttpStatusCode.BadRequest },
        // Well formed, but no card in the vault has it: a refusal, nothing claimed or charged.
        { "/internal/payments", """{"orderId":"ORDER","amount":10,"currency":"EUR","cardToken":"TOKEN"}""", HttpStatusCode.UnprocessableEntity },
        { "/internal/payments", """{"orderId":"ORDER","amount":-1,"currency":"EUR","cardToken":"TOKEN"}""", HttpStatusCode.UnprocessableEntity },
        { "/internal/payments", """{"orderId":"ORDER","amount":1e30,"currency":"EUR","cardToken":"TOKEN"}""", HttpStatusCode.BadRequest },
        { "/internal/payments", """{"orderId":"ORDER","amount":10,"currency":"€","cardToken":"TOKEN"}""", HttpStatusCode.UnprocessableEntity },
        { "/internal/payments/not-a-guid/refund", "", HttpStatusCode.NotFound },
        { "/internal/payments/ORDER/refund", "", HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_is_a_4xx_problem_and_changes_nothing(string route, string body, HttpStatusCode expected)
    {
        var order = Guid.NewGuid().ToString();
        var response = await _app.CreateClient().PostAsync(route.Replace("ORDER", order),
            new StringContent(body.Replace("ORDER", order).Replace("TOKEN", UnknownToken), Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(expected, response.StatusCode);
        await response.ReadProblemAsync(Ct);
        Assert.Empty(_app.State.Snapshot());
        Assert.Empty(_app.State.Published);
        Assert.Equal(0, _app.Provider.Charges);
    }

    [Fact]
    public async Task Xml_is_415_and_a_huge_body_is_413()
    {
        var xml = await _app.CreateClient().PostAsync("/internal/payments", new StringContent("<charge/>", Encoding.UTF8, "application/xml"), Ct);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, xml.StatusCode);
        await xml.ReadProblemAsync(Ct);
        var huge = await _app.CreateClient().PostAsync("/internal/payments",
            new StringContent($$"""{"pad":"{{new string('x', 1024 * 1024)}}"}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Empty(_app.State.Published);
        _ = PaymentRoutes.Charges;
    }

    [Fact]
    public async Task The_openapi_document_is_served_for_the_gateway_docs()
    {
        var response = await _app.CreateClient().GetAsync("/openapi/v1.json", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/internal/payments", await response.Content.ReadAsStringAsync(Ct));
    }
}
