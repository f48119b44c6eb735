using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>A new customer through the gateway only: register → log in → search with a typo → product → cart → total.</summary>
public sealed class ShopperJourneyTests(ShopFixture shop)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task A_new_customer_finds_a_product_despite_a_typo_and_the_cart_totals_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var http = shop.Http;
        var email = $"shopper-{Guid.NewGuid():N}@example.com";

        var register = await http.PostAsJsonAsync("/api/identity/register", new { email, password = "Corr3ct-Horse-Battery", name = "Ada Shopper" }, ct);
        Assert.True(register.StatusCode == HttpStatusCode.Created, await Describe(register));
        var again = await http.PostAsJsonAsync("/api/identity/register", new { email, password = "Corr3ct-Horse-Battery", name = "Ada Again" }, ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        var login = await http.PostAsJsonAsync("/api/identity/login", new { email, password = "Corr3ct-Horse-Battery" }, ct);
        Assert.True(login.IsSuccessStatusCode, await Describe(login));
        var token = (await login.Content.ReadFromJsonAsync<TokenResponse>(Json, ct))!;
        Assert.Equal("Bearer", token.TokenType, ignoreCase: true);

        var search = await http.GetFromJsonAsync<SearchPage>("/api/catalog/search?q=headphnes&pageSize=5", Json, ct);
        Assert.NotNull(search);
        Assert.True(search.Total > 0, "a one-letter typo still finds headphones");
        var hit = search.Items[0];
        Assert.Contains("headphone", hit.Name + " " + hit.Category + " " + hit.Description, StringComparison.OrdinalIgnoreCase);

        var product = await http.GetFromJsonAsync<Product>($"/api/catalog/products/{hit.Id}", Json, ct);
        Assert.Equal(hit.Id, product!.Id);

        using var add = new HttpRequestMessage(HttpMethod.Post, "/api/cart/items") { Content = JsonContent.Create(new { productId = hit.Id, quantity = 2 }) };
        add.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        var added = await http.SendAsync(add, ct);
        Assert.True(added.IsSuccessStatusCode, await Describe(added));

        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/cart");
        get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        var cart = await (await http.SendAsync(get, ct)).Content.ReadFromJsonAsync<Cart>(Json, ct);
        var line = Assert.Single(cart!.Lines);
        Assert.Equal(2, line.Quantity);
        Assert.Equal(product.Price, line.UnitPrice);
        Assert.Equal(product.Price * 2, cart.Total);
    }

    [Fact]
    public async Task The_cart_needs_a_token_and_bad_input_is_a_problem_not_a_crash()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(HttpStatusCode.Unauthorized, (await shop.Http.GetAsync("/api/cart", ct)).StatusCode);

        var malformed = await shop.Http.PostAsync("/api/identity/login", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);

        var unknown = await shop.Http.GetAsync($"/api/catalog/products/{Guid.NewGuid()}", ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private async Task<string> Describe(HttpResponseMessage response) =>
        $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n--- shop log (tail) ---\n{Tail(shop.Log, 40)}";

    private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));

    private sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn);

    private sealed record SearchPage(List<Product> Items, int Total);

    private sealed record Product(Guid Id, string Sku, string Name, string Description, string Category, decimal Price);

    private sealed record Cart(List<CartLine> Lines, decimal Total);

    private sealed record CartLine(Guid ProductId, int Quantity, decimal UnitPrice);
}
