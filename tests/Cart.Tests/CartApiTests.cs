using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ShopDapr.Cart.Domain;
using ShopDapr.Contracts.Cart;
using ShopDapr.Testing;

namespace ShopDapr.Cart.Tests;

public sealed class CartApiTests : IAsyncLifetime
{
    private CartFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await CartFactory.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Customer(string id = "customer-1") => _app.ClientWith(_app.Tokens.Customer(id));

    [Fact]
    public async Task A_quantity_sent_as_a_string_is_400_and_adds_nothing()
    {
        var product = _app.AddProduct(price: 12.50m, name: "Hammer");

        var response = await Customer().PostAsync("/api/cart/items",
            new StringContent($$"""{"productId":"{{product.Id}}","quantity":"2"}""", System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await response.ReadProblemAsync(Ct);
        var cart = await Customer().GetFromJsonAsync<JsonElement>("/api/cart", Ct);
        Assert.Empty(cart.GetProperty("lines").EnumerateArray());
    }

    [Fact]
    public async Task Adding_an_item_prices_it_from_the_catalog_through_the_sidecar()
    {
        var product = _app.AddProduct(price: 12.50m, name: "Hammer");
        var response = await Customer().PostAsJsonAsync("/api/cart/items", new { productId = product.Id, quantity = 2 }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cart = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var line = Assert.Single(cart.GetProperty("lines").EnumerateArray());
        Assert.Equal("Hammer", line.GetProperty("name").GetString());
        Assert.Equal(product.Sku, line.GetProperty("sku").GetString());
        Assert.Equal(12.50m, line.GetProperty("unitPrice").GetDecimal());
        Assert.Equal(25.00m, cart.GetProperty("total").GetDecimal());
        Assert.Equal(2, cart.GetProperty("itemCount").GetInt32());

        // Through cart's sidecar, which demands cart's API token: the catalog's answer means cart sent it.
        var call = Assert.Single(_app.Catalog.Calls, c => c.AppId == "catalog"); // the sidecar also asks the app for its subscriptions
        Assert.Equal(("catalog", "GET", $"/api/catalog/products/{product.Id}"), (call.AppId, call.Method, call.PathAndQuery));
        Assert.Equal("cart", call.Headers["dapr-caller-app-id"]);
    }

    [Fact]
    public async Task Adding_commits_ItemAddedToCart_with_the_cart_through_the_stores_outbox()
    {
        var product = _app.AddProduct(price: 3m);
        await Customer("c-events").PostAsJsonAsync("/api/cart/items", new { productId = product.Id, quantity = 4 }, Ct);
        var published = await _app.Dapr.Published.WaitForAsync(p => p.Topic == "user-behavior", Ct);
        Assert.Equal("pubsub", published.PubSub);
        var e = published.As<ItemAddedToCart>();
        Assert.Equal(("c-events", product.Id, 4, 3m), (e.UserId, e.ProductId, e.Quantity, e.UnitPrice));
        await _app.Dapr.SettleAsync(Ct);
        Assert.Single(_app.Dapr.Published.All);
    }

    [Fact]
    public async Task A_refused_publish_leaves_the_cart_unchanged_so_the_clients_retry_adds_the_item_once()
    {
        var product = _app.AddProduct(price: 2m);
        var client = Customer("c-retry");
        _app.Wire.FailPublishes = true; // the sidecar's outbox refuses the transaction when the broker does

        var failed = await client.PostAsJsonAsync("/api/cart/items", new { productId = product.Id, quantity = 3 }, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/cart", Ct)).GetProperty("lines").EnumerateArray());
        _app.Wire.FailPublishes = false;
        var retried = await client.PostAsJsonAsync("/api/cart/items", new { productId = product.Id, quantity = 3 }, Ct);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var line = Assert.Single((await client.GetFromJsonAsync<JsonElement>("/api/cart", Ct)).GetProperty("lines").EnumerateArray());
        Assert.Equal(3, line.GetProperty("quantity").GetInt32()); // once, not twice
        await _app.Dapr.SettleAsync(Ct);
        Assert.Single(_app.Dapr.Published.All, p => p.Topic == "user-behavior"); // and announced once
    }

    [Fact]
    public async Task Unknown_product_is_404_unknown_product_and_saves_nothing()
    {
        var response = await Customer().PostAsJsonAsync("/api/cart/items", new { productId = Guid.NewGuid(), quantity = 1 }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Unknown product", (await response.ReadProblemAsync(Ct)).GetProperty("title").GetString());
        Assert.Empty(_app.Dapr.Snapshot());
        await _app.Dapr.SettleAsync(Ct);
        Assert.Empty(_app.Dapr.Published.All);
    }

    [Fact]
    public async Task Change_and_remove_a_line()
    {
        var product = _app.AddProduct(price: 1m);
        var client = Customer();
        await client.PostAsJsonAsync("/api/cart/items", new { productId = product.Id, quantity = 1 }, Ct);
        var changed = await client.PutAsJsonAsync($"/api/cart/items/{product.Id}", new { quantity = 7 }, Ct);
        Assert.Equal(7, (await changed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("itemCount").GetInt32());
        var removed = await client.DeleteAsync($"/api/cart/items/{product.Id}", Ct);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/cart", Ct)).GetProperty("lines").EnumerateArray());
        var again = await client.DeleteAsync($"/api/cart/items/{product.Id}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        await again.ReadProblemAsync(Ct);
    }

    [Fact]
    public async Task The_51st_product_is_422()
    {
        var client = Customer("c-many");
        for (var i = 0; i < 50; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/cart/items", new { productId = _app.AddProduct().Id, quantity = 1 }, Ct)).StatusCode);
        var response = await client.PostAsJsonAsync("/api/cart/items", new { productId = _app.AddProduct().Id, quantity = 1 }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        await response.ReadProblemAsync(Ct);
    }

    [Fact]
    public async Task Catalog_down_is_503_not_500()
    {
        _app.Catalog.Respond = (_, _) => ((int)HttpStatusCode.InternalServerError, null);
        var response = await Customer().PostAsJsonAsync("/api/cart/items", new { productId = Guid.NewGuid(), quantity = 1 }, Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        await response.ReadProblemAsync(Ct);
    }

    [Fact]
    public async Task State_store_down_is_503_not_500()
    {
        Assert.Equal(HttpStatusCode.OK, (await Customer().GetAsync("/api/cart", Ct)).StatusCode);
        await _app.Dapr.Sidecar.StopAsync(Ct); // the store is out of reach: connection refused

        var response = await Customer().GetAsync("/api/cart", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        await response.ReadProblemAsync(Ct);
    }

    [Fact]
    public async Task Each_customer_has_their_own_cart()
    {
        var product = _app.AddProduct();
        await Customer("alice").PostAsJsonAsync("/api/cart/items", new { productId = product.Id, quantity = 3 }, Ct);
        var bobs = await Customer("bob").GetFromJsonAsync<JsonElement>("/api/cart", Ct);
        Assert.Empty(bobs.GetProperty("lines").EnumerateArray());
        var bobChanges = await Customer("bob").PutAsJsonAsync($"/api/cart/items/{product.Id}", new { quantity = 1 }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, bobChanges.StatusCode);
        var alices = await Customer("alice").GetFromJsonAsync<JsonElement>("/api/cart", Ct);
        Assert.Equal(3, alices.GetProperty("itemCount").GetInt32());
    }
}
