using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ShopDapr.LoadGen.Stats;
using ShopDapr.LoadGen.Tastes;

namespace ShopDapr.LoadGen.Shop;

/// <summary>
/// The public API through the gateway, one call per method. Each call is timed into the step's recorder when one is
/// given (a journey inside the measured window) and any non-2xx answer or transport fault becomes a recorded failure and a
/// <see cref="StepFailedException"/>.
/// </summary>
internal sealed class ShopApi(HttpClient http)
{
    public const string ApprovingCard = FraudPattern.ApprovingCard;
    private const string Password = "Corr3ct-Horse-Battery";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Shopper> NewShopperAsync(string runId, int n, CancellationToken ct)
    {
        var email = $"load-{runId}-{n}@example.com";
        await SendAsync(null, HttpMethod.Post, "/api/identity/register", null, new { email, password = Password, name = $"Shopper {n}" }, ct);
        return new Shopper(email, await LoginAsync(email, Password, ct));
    }

    public async Task<string> LoginAsync(string email, string password, CancellationToken ct)
    {
        using var response = await SendAsync(null, HttpMethod.Post, "/api/identity/login", null, new { email, password }, ct);
        return (await ReadAsync<TokenResponse>(response, ct)).AccessToken;
    }

    public async Task<ProductPage> ProductsAsync(StepRecorder? step, string? token, string query, CancellationToken ct)
    {
        using var response = await SendAsync(step, HttpMethod.Get, $"/api/catalog/products?{query}", token, null, ct);
        return await ReadAsync<ProductPage>(response, ct);
    }

    /// <summary>Opens a product's page (catalog tells analytics the shopper viewed it).</summary>
    public async Task ViewProductAsync(StepRecorder? step, string token, Guid productId, CancellationToken ct)
    {
        using var _ = await SendAsync(step, HttpMethod.Get, $"/api/catalog/products/{productId}", token, null, ct);
    }

    public async Task<IReadOnlyList<CategoryView>> CategoriesAsync(CancellationToken ct)
    {
        using var response = await SendAsync(null, HttpMethod.Get, "/api/catalog/categories", null, null, ct);
        return await ReadAsync<List<CategoryView>>(response, ct);
    }

    public async Task SearchAsync(StepRecorder? step, string token, string text, CancellationToken ct)
    {
        using var _ = await SendAsync(step, HttpMethod.Get, $"/api/catalog/search?q={Uri.EscapeDataString(text)}&pageSize=10", token, null, ct);
    }

    public async Task SetStockAsync(string admin, string sku, int onHand, CancellationToken ct)
    {
        using var _ = await SendAsync(null, HttpMethod.Put, $"/api/inventory/{Uri.EscapeDataString(sku)}", admin, new { onHand }, ct);
    }

    public async Task AddToCartAsync(StepRecorder? step, string token, Guid productId, int quantity, CancellationToken ct)
    {
        using var _ = await SendAsync(step, HttpMethod.Post, "/api/cart/items", token, new { productId, quantity }, ct);
    }

    /// <summary>Empties a cart a failed journey left behind.</summary>
    public async Task ClearCartAsync(string token, CancellationToken ct)
    {
        using var response = await SendAsync(null, HttpMethod.Get, "/api/cart", token, null, ct);
        foreach (var line in (await ReadAsync<CartView>(response, ct)).Lines)
        {
            using var _ = await SendAsync(null, HttpMethod.Delete, $"/api/cart/items/{line.ProductId}", token, null, ct);
        }
    }

    public Task<Guid> CheckoutAsync(StepRecorder? step, string token, string idempotencyKey, CancellationToken ct) =>
        CheckoutAsync(step, token, idempotencyKey, new PaymentPlan(ApprovingCard, "US"), ct);

    public async Task<Guid> CheckoutAsync(StepRecorder? step, string token, string idempotencyKey, PaymentPlan payment, CancellationToken ct)
    {
        var body = new
        {
            shippingAddress = new { name = "Load Shopper", street = "1 Main Street", city = "Springfield", postalCode = "12345", country = payment.Country },
            card = new { number = payment.Card, expiry = "12/34", cvc = "123" },
        };
        using var response = await SendAsync(step, HttpMethod.Post, "/api/cart/checkout", token, body, ct, idempotencyKey);
        return (await ReadAsync<OrderPlaced>(response, ct)).OrderId;
    }

    public async Task<OrderView> OrderAsync(StepRecorder? step, string token, Guid orderId, CancellationToken ct)
    {
        using var response = await SendAsync(step, HttpMethod.Get, $"/api/orders/{orderId}", token, null, ct);
        return await ReadAsync<OrderView>(response, ct);
    }

    /// <summary>An admin approves or rejects an order held for review.</summary>
    public async Task DecideAsync(string admin, Guid orderId, bool approved, string reason, CancellationToken ct)
    {
        using var _ = await SendAsync(null, HttpMethod.Post, $"/api/orders/{orderId}/approval", admin, new { approved, reason }, ct);
    }

    private async Task<HttpResponseMessage> SendAsync(
        StepRecorder? step, HttpMethod method, string path, string? token, object? body, CancellationToken ct, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (body is not null)
            request.Content = JsonContent.Create(body, options: Json);
        var clock = Stopwatch.StartNew();
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            var what = $"{method} {PathOnly(path)}: {(e is TaskCanceledException ? "timed out" : e.Message)}";
            step?.Failure(what);
            throw new StepFailedException(what);
        }
        if (response.IsSuccessStatusCode)
        {
            step?.Success(clock.Elapsed);
            return response;
        }
        var text = await response.Content.ReadAsStringAsync(ct);
        var description = $"{method} {PathOnly(path)}: {(int)response.StatusCode} {Shorten(text)}";
        response.Dispose();
        step?.Failure(description);
        throw new StepFailedException(description);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct) =>
        await response.Content.ReadFromJsonAsync<T>(Json, ct)
        ?? throw new StepFailedException($"{response.RequestMessage?.RequestUri?.AbsolutePath}: an empty {typeof(T).Name}");

    private static string PathOnly(string path) => path.Split('?')[0];

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
