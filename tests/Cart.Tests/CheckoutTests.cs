using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ShopDapr.Cart.Domain;
using ShopDapr.Cart.Infrastructure;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.ServiceDefaults;
using ShopDapr.Testing;

namespace ShopDapr.Cart.Tests;

/// <summary>
/// Cart in-process on its real DaprClient over a real dev sidecar (<see cref="DevDapr"/>), with payment's card vault and
/// ordering played by handlers that record each call they receive (the raw JSON too, to prove what crossed the wire).
/// </summary>
public sealed class CheckoutFactory : ShopAppFactory<Program>
{
    private CheckoutFactory(DevDapr dapr)
    {
        Dapr = dapr;
        foreach (var (key, value) in dapr.AppSettings)
            Settings[key] = value;
        ConfigureServices = services =>
        {
            services.RemoveAll<CardVaultClient>();
            services.AddSingleton(new CardVaultClient(new HttpClient(new Vault(this)) { BaseAddress = new Uri("http://payment") }));
            services.RemoveAll<OrderingClient>();
            services.AddSingleton(new OrderingClient(new HttpClient(new Ordering(this)) { BaseAddress = new Uri("http://ordering") }));
        };
    }

    public static async Task<CheckoutFactory> StartAsync(CancellationToken cancellationToken) =>
        new(await DevDapr.StartAsync(ShopNames.AppIds.Cart, cancellationToken, apiToken: DefaultDaprApiToken));

    public DevDapr Dapr { get; }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Dapr.DisposeAsync();
    }

    /// <summary>(path, card) of each card handed to the vault.</summary>
    public ConcurrentQueue<(string Path, CardDetails Card)> VaultCalls { get; } = new();

    /// <summary>How the vault answers: by default 201 with a new token and the card's last four; null status throws (unreachable).</summary>
    public Func<CardDetails, (HttpStatusCode?, string)>? VaultAnswer { get; set; }

    /// <summary>The raw JSON of each place-order sent to ordering.</summary>
    public ConcurrentQueue<string> OrderingBodies { get; } = new();

    /// <summary>A cart line both checkout test classes fill carts with.</summary>
    public static readonly CartLine Hammer = new(Guid.NewGuid(), "SKU-1", "Hammer", 12.5m, 2);

    /// <summary>A valid checkout body: a French address and the approving test card.</summary>
    public static readonly object Body = new
    {
        shippingAddress = new { name = "Ada", street = "1 Main St", city = "Paris", postalCode = "75001", country = "FR" },
        card = new { number = "4242424242424242", expiry = "12/30", cvc = "123" },
    };

    /// <summary>A client signed in as the customer, sending <paramref name="key"/> as its Idempotency-Key (none when null).</summary>
    public HttpClient Customer(string id = "customer-1", string? key = "checkout-1")
    {
        var client = ClientWith(Tokens.Customer(id));
        if (key is not null)
            client.DefaultRequestHeaders.Add("Idempotency-Key", key);
        return client;
    }

    public async Task<IReadOnlyList<CartLine>> CartOfAsync(string customerId) =>
        (await Services.GetRequiredService<CartStore>().GetAsync(customerId, TestContext.Current.CancellationToken)).Lines;

    /// <summary>(method, path, body) of each call to ordering.</summary>
    public ConcurrentQueue<(string Method, string Path, PlaceOrderRequest Body)> OrderingCalls { get; } = new();

    /// <summary>How ordering answers: by default 202 with a new order id the first time a key is seen, 200 with it after.</summary>
    public Func<PlaceOrderRequest, (HttpStatusCode, string)>? Answer { get; set; }

    private readonly ConcurrentDictionary<string, Guid> _orders = new();

    public async Task FillCartAsync(string customerId, params CartLine[] lines) =>
        await Services.GetRequiredService<CartStore>().UpdateAsync(customerId,
            cart => new CartChange.Changed(cart with { Lines = lines, UpdatedAt = DateTimeOffset.UtcNow }), TestContext.Current.CancellationToken);

    private sealed class Vault(CheckoutFactory factory) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var card = (await request.Content!.ReadFromJsonAsync<CardDetails>(JsonSerializerOptions.Web, cancellationToken))!;
            factory.VaultCalls.Enqueue((request.RequestUri!.AbsolutePath, card));
            var (status, json) = factory.VaultAnswer?.Invoke(card) ?? (HttpStatusCode.Created, JsonSerializer.Serialize(
                new VaultedCard(VaultedCard.TokenPrefix + Guid.NewGuid().ToString("N"), card.Number[^4..], "visa", card.Expiry), JsonSerializerOptions.Web));
            return status is { } answered
                ? new HttpResponseMessage(answered) { Content = new StringContent(json, Encoding.UTF8, "application/json") }
                : throw new HttpRequestException("connection refused");
        }
    }

    private sealed class Ordering(CheckoutFactory factory) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            factory.OrderingBodies.Enqueue(await request.Content!.ReadAsStringAsync(cancellationToken));
            var body = (await request.Content!.ReadFromJsonAsync<PlaceOrderRequest>(JsonSerializerOptions.Web, cancellationToken))!;
            factory.OrderingCalls.Enqueue((request.Method.Method, request.RequestUri!.AbsolutePath, body));
            var (status, json) = factory.Answer?.Invoke(body) ?? Default(body);
            return new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        }

        private (HttpStatusCode, string) Default(PlaceOrderRequest body)
        {
            var isNew = !factory._orders.ContainsKey(body.CustomerId + "|" + body.IdempotencyKey);
            var id = factory._orders.GetOrAdd(body.CustomerId + "|" + body.IdempotencyKey, _ => Guid.NewGuid());
            return (isNew ? HttpStatusCode.Accepted : HttpStatusCode.OK, JsonSerializer.Serialize(new PlaceOrderResponse(id), JsonSerializerOptions.Web));
        }
    }
}

public sealed class CheckoutTests : IAsyncLifetime
{
    private CheckoutFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await CheckoutFactory.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Checkout_sends_a_snapshot_to_ordering_answers_202_with_the_location_and_empties_the_cart()
    {
        await _app.FillCartAsync("customer-1", CheckoutFactory.Hammer);

        var response = await _app.Customer().PostAsJsonAsync("/api/cart/checkout", CheckoutFactory.Body, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var orderId = (await response.Content.ReadFromJsonAsync<PlaceOrderResponse>(Ct))!.OrderId;
        Assert.Equal($"/api/orders/{orderId}", response.Headers.Location?.ToString());
        var (method, path, sent) = Assert.Single(_app.OrderingCalls);
        Assert.Equal(("POST", "/internal/orders"), (method, path));
        var (vaultPath, vaulted) = Assert.Single(_app.VaultCalls);
        Assert.Equal(("/internal/cards", new CardDetails("4242424242424242", "12/30", "123")), (vaultPath, vaulted));
        Assert.Equal(("checkout-1", "customer-1", "FR"), (sent.IdempotencyKey, sent.CustomerId, sent.ShippingAddress.Country));
        Assert.True(VaultedCard.IsToken(sent.Card.Token), sent.Card.Token);
        Assert.Equal("4242", sent.Card.Last4);
        Assert.Equal(new OrderLine(CheckoutFactory.Hammer.ProductId, "SKU-1", "Hammer", 12.5m, 2), Assert.Single(sent.Lines));
        Assert.Empty(await _app.CartOfAsync("customer-1"));
    }

    [Fact]
    public async Task A_repeat_with_the_same_key_is_200_with_the_same_order_after_the_cart_was_emptied()
    {
        await _app.FillCartAsync("customer-1", CheckoutFactory.Hammer);
        var first = await (await _app.Customer().PostAsJsonAsync("/api/cart/checkout", CheckoutFactory.Body, Ct)).Content.ReadFromJsonAsync<PlaceOrderResponse>(Ct);

        var again = await _app.Customer().PostAsJsonAsync("/api/cart/checkout", CheckoutFactory.Body, Ct);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first!.OrderId, (await again.Content.ReadFromJsonAsync<PlaceOrderResponse>(Ct))!.OrderId);
        Assert.Single(_app.OrderingCalls);
    }

    public static TheoryData<string> OtherRequests() => new()
    {
        """{"shippingAddress":{"name":"Ada","street":"1 Main St","city":"Paris","postalCode":"75001","country":"DE"},"card":{"number":"4242424242424242","expiry":"12/30","cvc":"123"}}""",
        """{"shippingAddress":{"name":"Ada","street":"1 Main St","city":"Paris","postalCode":"75001","country":"FR"},"card":{"number":"4000000000000002","expiry":"12/30","cvc":"123"}}""",
        """{"shippingAddress":{"name":"Ada","street":"1 Main St","city":"Paris","postalCode":"75001","country":"FR"},"card":{"number":"4242424242424242","expiry":"12/30","cvc":"124"}}""",
    };

    [Theory]
    [MemberData(nameof(OtherRequests))]
    public async Task The_same_key_with_another_body_is_422_and_places_nothing(string other)
    {
        await _app.FillCartAsync("customer-1", CheckoutFactory.Hammer);
        Assert.Equal(HttpStatusCode.Accepted, (await _app.Customer().PostAsJsonAsync("/api/cart/checkout", CheckoutFactory.Body, Ct)).StatusCode);
        await _app.FillCartAsync("customer-1", CheckoutFactory.Hammer);

        var reused = await _app.Customer().PostAsync("/api/cart/checkout", new StringContent(other, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Contains("Idempotency-Key", (await reused.ReadProblemAsync(Ct)).GetProperty("title").GetString());
        Assert.Single(_app.OrderingCalls);
        Assert.Equal([CheckoutFactory.Hammer], await _app.CartOfAsync("customer-1"));
    }

    [Fact]
    public async Task The_same_body_in_another_field_order_and_spacing_is_the_same_request()
    {
        await _app.FillCartAsync("customer-1", CheckoutFactory.Hammer);
        var first = await (await _app.Customer().PostAsJsonAsync("/api/cart/checkout", CheckoutFactory.Body, Ct)).Content.ReadFromJsonAsync<PlaceOrderResponse>(Ct);
        const string reordered = """
            { "card": { "cvc": "123", "expiry": "12/30", "number": "4242424242424242" },
              "shippingAddress": { "country": "FR", "postalCode": "75001", "city": "Paris", "street": "1 Main St", "name": "Ada" } }
            """;

        var again = await _app.Customer().PostAsync("/api/cart/checkout", new StringContent(reordered, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first!.OrderId, (await again.Content.ReadFromJsonAsync<PlaceOrderResponse>(Ct))!.OrderId);
    }

    [Fact]
    public async Task The_idempotency_record_holds_a_fingerprint_not_the_card()
    {
        await _app.FillCartAsync("customer-1", CheckoutFactory.Hammer);
        await _app.Customer().PostAsJsonAsync("/api/cart/checkout", CheckoutFactory.Body, Ct);

        var record = _app.Dapr.Read<CheckoutRecord>(CheckoutRecords.Key("customer-1", "checkout-1"))!;
        Assert.Matches("^[0-9a-f]{64}$", record.RequestFingerprint!);
        Assert.Equal(record.RequestFingerprint, Assert.Single(_app.OrderingCalls).Body.RequestFingerprint);
        Assert.DoesNotContain("4242424242424242", JsonSerializer.Serialize(record));
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.Conflict)] // ordering's "changed concurrently; retry": a retry, not a refusal
    public async Task Ordering_down_or_busy_is_503_and_leaves_the_cart_intact(HttpStatusCode answer)
    {
        await _app.FillCartAsync("customer-1", CheckoutFactory.Hammer);
        _app.Answer = _ => (answer, $$"""{"status":{{(int)answer}}}""");

        var response = await _app.Customer().PostAsJsonAsync("/api/cart/checkout", CheckoutFactory.Body, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        await response.ReadProblemAsync(Ct);
        Assert.Equal([CheckoutFactory.Hammer], await _app.CartOfAsync("customer-1"));
        Assert.Null(_app.Dapr.Read<CheckoutRecord>(CheckoutRecords.Key("customer-1", "checkout-1")));
    }

    [Fact]
    public async Task Ordering_refusing_is_422_with_its_reason_and_leaves_the_cart_intact()
    {
        await _app.FillCartAsync("customer-1", CheckoutFactory.Hammer);
        _app.Answer = _ => (HttpStatusCode.BadRequest, """{"status":400,"title":"The order is malformed","detail":"lines are bad"}""");

        var response = await _app.Customer().PostAsJsonAsync("/api/cart/checkout", CheckoutFactory.Body, Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("lines are bad", (await response.ReadProblemAsync(Ct)).GetProperty("detail").GetString());
        Assert.Equal([CheckoutFactory.Hammer], await _app.CartOfAsync("customer-1"));
    }

    [Fact]
    public async Task A_line_added_while_ordering_took_the_order_stays_in_the_cart()
    {
        await _app.FillCartAsync("customer-1", CheckoutFactory.Hammer);
        var nails = new CartLine(Guid.NewGuid(), "SKU-2", "Nails", 1m, 10);
        _app.Answer = body =>
        {
            _app.FillCartAsync("customer-1", CheckoutFactory.Hammer with { Quantity = 3 }, nails).GetAwaiter().GetResult();
            return (HttpStatusCode.Accepted, JsonSerializer.Serialize(new PlaceOrderResponse(Guid.NewGuid()), JsonSerializerOptions.Web));
        };

        Assert.Equal(HttpStatusCode.Accepted, (await _app.Customer().PostAsJsonAsync("/api/cart/checkout", CheckoutFactory.Body, Ct)).StatusCode);

        Assert.Equal([CheckoutFactory.Hammer with { Quantity = 1 }, nails], await _app.CartOfAsync("customer-1"));
    }

    [Fact]
    public async Task Missing_idempotency_key_is_400()
    {
        await _app.FillCartAsync("customer-1", CheckoutFactory.Hammer);
        var response = await _app.Customer(key: null).PostAsJsonAsync("/api/cart/checkout", CheckoutFactory.Body, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadProblemAsync(Ct)).GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        Assert.Empty(_app.OrderingCalls);
    }

    [Fact]
    public async Task An_empty_cart_is_422()
    {
        var response = await _app.Customer().PostAsJsonAsync("/api/cart/checkout", CheckoutFactory.Body, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True((await response.ReadProblemAsync(Ct)).GetProperty("errors").TryGetProperty("cart", out _));
        Assert.Empty(_app.OrderingCalls);
    }

    [Theory]
    [InlineData("""{"card":{"number":"4242424242424242","expiry":"12/30","cvc":"123"}}""", "shippingAddress")]
    [InlineData("""{"shippingAddress":{"name":"A","street":"S","city":"C","postalCode":"P","country":""},"card":{"number":"4242424242424242","expiry":"12/30","cvc":"123"}}""", "shippingAddress.country")]
    [InlineData("""{"shippingAddress":{"name":"A","street":"S","city":"C","postalCode":"P","country":"XX"},"card":{"number":"4242424242424242","expiry":"12/30","cvc":"123"}}""", "shippingAddress.country")]
    [InlineData("""{"shippingAddress":{"name":"A","street":"S","city":"C","postalCode":"P","country":"UK"},"card":{"number":"4242424242424242","expiry":"12/30","cvc":"123"}}""", "shippingAddress.country")]
    [InlineData("""{"shippingAddress":{"name":"A","street":"S","city":"C","postalCode":"P","country":"fr"},"card":{"number":"4242424242424242","expiry":"12/30","cvc":"123"}}""", "shippingAddress.country")]
    [InlineData("""{"shippingAddress":{"name":"A","street":"S","city":"C","postalCode":"P","country":"FR"},"card":{"number":"4242-4242","expiry":"12/30","cvc":"123"}}""", "card.number")]
    [InlineData("""{"shippingAddress":{"name":"A","street":"S","city":"C","postalCode":"P","country":"FR"},"card":{"number":"4242424242424243","expiry":"12/30","cvc":"123"}}""", "card.number")]
    [InlineData("""{"shippingAddress":{"name":"A","street":"S","city":"C","postalCode":"P","country":"FR"},"card":{"number":"4242424242424242","expiry":"2030-12","cvc":"123"}}""", "card.expiry")]
    [InlineData("""{"shippingAddress":{"name":"A","street":"S","city":"C","postalCode":"P","country":"FR"},"card":{"number":"4242424242424242","expiry":"12/30","cvc":"12a"}}""", "card.cvc")]
    public async Task Bad_address_or_card_is_400_naming_the_field_and_leaves_the_cart(string json, string field)
    {
        await _app.FillCartAsync("customer-1", CheckoutFactory.Hammer);
        var response = await _app.Customer().PostAsync("/api/cart/checkout", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadProblemAsync(Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Empty(_app.VaultCalls);
        Assert.Empty(_app.OrderingCalls);
        Assert.Equal([CheckoutFactory.Hammer], await _app.CartOfAsync("customer-1"));
    }

    [Fact]
    public async Task Checkout_is_for_customers_only()
    {
        var admin = _app.ClientWith(_app.Tokens.Admin());
        admin.DefaultRequestHeaders.Add("Idempotency-Key", "k");
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.PostAsJsonAsync("/api/cart/checkout", CheckoutFactory.Body, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.ClientWith(null).PostAsJsonAsync("/api/cart/checkout", CheckoutFactory.Body, Ct)).StatusCode);
    }
}
