using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ShopDapr.Cart.Domain;
using ShopDapr.Cart.Infrastructure;
using ShopDapr.Testing;

namespace ShopDapr.Cart.Tests;

/// <summary>
/// Checkout and the card: cart hands it to payment's vault once and passes on only the token and the last four digits;
/// payment being down is a 503 with Retry-After that writes nothing.
/// </summary>
public sealed class CheckoutCardTests : IAsyncLifetime
{
    private CheckoutFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await CheckoutFactory.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Ordering_gets_the_vault_token_and_last_four_and_never_the_card_number_expiry_or_cvc()
    {
        await _app.FillCartAsync("customer-1", CheckoutFactory.Hammer);
        var body = new
        {
            shippingAddress = new { name = "Ada", street = "1 Main St", city = "Paris", postalCode = "75001", country = "FR" },
            card = new { number = "4000000000009995", expiry = "07/2031", cvc = "8317" },
        };

        Assert.Equal(HttpStatusCode.Accepted, (await _app.Customer().PostAsJsonAsync("/api/cart/checkout", body, Ct)).StatusCode);

        var json = Assert.Single(_app.OrderingBodies);
        var card = JsonDocument.Parse(json).RootElement.GetProperty("card");
        Assert.Equal(["token", "last4"], card.EnumerateObject().Select(p => p.Name));
        Assert.Equal("9995", card.GetProperty("last4").GetString());
        Assert.DoesNotContain("4000000000009995", json);
        Assert.DoesNotContain("8317", json);
        Assert.DoesNotContain("07/2031", json);
        var record = JsonSerializer.Serialize(_app.Dapr.Read<CheckoutRecord>(CheckoutRecords.Key("customer-1", "checkout-1")));
        Assert.DoesNotContain("4000000000009995", record);
        Assert.DoesNotContain("8317", record);
    }

    [Fact]
    public async Task A_repeat_with_the_same_key_vaults_nothing_again()
    {
        await _app.FillCartAsync("customer-1", CheckoutFactory.Hammer);
        await _app.Customer().PostAsJsonAsync("/api/cart/checkout", CheckoutFactory.Body, Ct);

        Assert.Equal(HttpStatusCode.OK, (await _app.Customer().PostAsJsonAsync("/api/cart/checkout", CheckoutFactory.Body, Ct)).StatusCode);

        Assert.Single(_app.VaultCalls);
    }

    public static TheoryData<HttpStatusCode?> VaultFailures() => new()
    {
        (HttpStatusCode?)null, // payment's sidecar unreachable
        HttpStatusCode.InternalServerError, // the sidecar's ERR_DIRECT_INVOKE: payment is down
        HttpStatusCode.ServiceUnavailable,
        HttpStatusCode.Forbidden, // access control refused cart: a deployment fault, not the client's
    };

    [Theory]
    [MemberData(nameof(VaultFailures))]
    public async Task Payment_down_at_checkout_is_503_with_retry_after_and_writes_nothing(HttpStatusCode? vault)
    {
        await _app.FillCartAsync("customer-1", CheckoutFactory.Hammer);
        _app.VaultAnswer = _ => (vault, """{"errorCode":"ERR_DIRECT_INVOKE","message":"fail to invoke, id: payment"}""");

        var response = await _app.Customer().PostAsJsonAsync("/api/cart/checkout", CheckoutFactory.Body, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.ToString());
        await response.ReadProblemAsync(Ct);
        Assert.Empty(_app.OrderingCalls);
        Assert.Null(_app.Dapr.Read<CheckoutRecord>(CheckoutRecords.Key("customer-1", "checkout-1")));
        Assert.Equal([CheckoutFactory.Hammer], await _app.CartOfAsync("customer-1"));

        _app.VaultAnswer = null; // payment is back: the same request with the same key goes through
        Assert.Equal(HttpStatusCode.Accepted, (await _app.Customer().PostAsJsonAsync("/api/cart/checkout", CheckoutFactory.Body, Ct)).StatusCode);
    }

    [Fact]
    public async Task A_card_the_vault_refuses_is_400_naming_its_field_and_orders_nothing()
    {
        await _app.FillCartAsync("customer-1", CheckoutFactory.Hammer);
        _app.VaultAnswer = _ => (HttpStatusCode.BadRequest, """{"status":400,"title":"The card is malformed","errors":{"card.cvc":["The CVC is 3 or 4 digits."]}}""");

        var response = await _app.Customer().PostAsJsonAsync("/api/cart/checkout", CheckoutFactory.Body, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadProblemAsync(Ct)).GetProperty("errors").TryGetProperty("card.cvc", out _));
        Assert.Empty(_app.OrderingCalls);
        Assert.Equal([CheckoutFactory.Hammer], await _app.CartOfAsync("customer-1"));
    }
}
