using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ShopDapr.Web.Shop;

/// <summary>
/// The shop's public API (<c>/api/...</c>, the gateway's routes) as the pages call it, with the signed-in customer's
/// access token. Every failure comes back as the API's <see cref="ApiProblem"/>, never as an exception or raw text.
/// </summary>
public sealed class ShopApi(HttpClient http, AccessTokenCookie token)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<ApiResult<PagedList<Product>>> ProductsAsync(string query, CancellationToken ct) =>
        SendAsync<PagedList<Product>>(HttpMethod.Get, $"/api/catalog/products{query}", null, ct);

    public Task<ApiResult<List<Category>>> CategoriesAsync(CancellationToken ct) =>
        SendAsync<List<Category>>(HttpMethod.Get, "/api/catalog/categories", null, ct);

    public Task<ApiResult<SearchResult>> SearchAsync(string text, int page, CancellationToken ct) =>
        SendAsync<SearchResult>(HttpMethod.Get, $"/api/catalog/search?q={Uri.EscapeDataString(text)}&page={page}&pageSize=12", null, ct);

    public Task<ApiResult<Product>> ProductAsync(Guid id, CancellationToken ct) =>
        SendAsync<Product>(HttpMethod.Get, $"/api/catalog/products/{id}", null, ct);

    public Task<ApiResult<JsonElement>> RegisterAsync(string email, string password, string name, CancellationToken ct) =>
        SendAsync<JsonElement>(HttpMethod.Post, "/api/identity/register", new { email, password, name }, ct);

    public Task<ApiResult<IssuedToken>> LoginAsync(string email, string password, CancellationToken ct) =>
        SendAsync<IssuedToken>(HttpMethod.Post, "/api/identity/login", new { email, password }, ct);

    public Task<ApiResult<CurrentUser>> MeAsync(CancellationToken ct) =>
        SendAsync<CurrentUser>(HttpMethod.Get, "/api/identity/me", null, ct);

    public Task<ApiResult<CartView>> CartAsync(CancellationToken ct) =>
        SendAsync<CartView>(HttpMethod.Get, "/api/cart", null, ct);

    public Task<ApiResult<CartView>> AddToCartAsync(Guid productId, int quantity, CancellationToken ct) =>
        SendAsync<CartView>(HttpMethod.Post, "/api/cart/items", new { productId, quantity }, ct);

    public Task<ApiResult<CartView>> SetQuantityAsync(Guid productId, int quantity, CancellationToken ct) =>
        SendAsync<CartView>(HttpMethod.Put, $"/api/cart/items/{productId}", new { quantity }, ct);

    public Task<ApiResult<CartView>> RemoveFromCartAsync(Guid productId, CancellationToken ct) =>
        SendAsync<CartView>(HttpMethod.Delete, $"/api/cart/items/{productId}", null, ct);

    /// <summary>Places the order; a repeat of <paramref name="idempotencyKey"/> answers the first order, never a second.</summary>
    public Task<ApiResult<OrderPlaced>> CheckoutAsync(Address address, Card card, string idempotencyKey, CancellationToken ct) =>
        SendAsync<OrderPlaced>(HttpMethod.Post, "/api/cart/checkout", new { shippingAddress = address, card }, ct,
            r => r.Headers.Add(IdempotencyKeyHeader, idempotencyKey));

    public Task<ApiResult<PagedList<Order>>> OrdersAsync(int page, int pageSize, CancellationToken ct) =>
        SendAsync<PagedList<Order>>(HttpMethod.Get, $"/api/orders?page={page}&pageSize={pageSize}", null, ct);

    public Task<ApiResult<Order>> OrderAsync(Guid id, CancellationToken ct) =>
        SendAsync<Order>(HttpMethod.Get, $"/api/orders/{id}", null, ct);

    public Task<ApiResult<List<OrderHistoryEntry>>> HistoryAsync(Guid id, CancellationToken ct) =>
        SendAsync<List<OrderHistoryEntry>>(HttpMethod.Get, $"/api/orders/{id}/history", null, ct);

    public Task<ApiResult<JsonElement>> DecideAsync(Guid id, bool approved, string? reason, CancellationToken ct) =>
        SendAsync<JsonElement>(HttpMethod.Post, $"/api/orders/{id}/approval", new { approved, reason }, ct);

    public Task<ApiResult<StockLevel>> StockAsync(string sku, CancellationToken ct) =>
        SendAsync<StockLevel>(HttpMethod.Get, $"/api/inventory/{Uri.EscapeDataString(sku)}", null, ct);

    public Task<ApiResult<StockLevel>> SetStockAsync(string sku, int onHand, CancellationToken ct) =>
        SendAsync<StockLevel>(HttpMethod.Put, $"/api/inventory/{Uri.EscapeDataString(sku)}", new { onHand }, ct);

    public Task<ApiResult<Shipment>> ShipmentAsync(Guid orderId, CancellationToken ct) =>
        SendAsync<Shipment>(HttpMethod.Get, $"/api/shipping/{orderId}", null, ct);

    public Task<ApiResult<JsonElement>> MarkDeliveredAsync(Guid orderId, CancellationToken ct) =>
        SendAsync<JsonElement>(HttpMethod.Post, $"/api/shipping/{orderId}/delivered", null, ct);

    public Task<ApiResult<PagedList<DeadLetter>>> DeadLettersAsync(int page, int pageSize, CancellationToken ct) =>
        SendAsync<PagedList<DeadLetter>>(HttpMethod.Get, $"/api/orders/admin/deadletters?page={page}&pageSize={pageSize}", null, ct);

    public Task<ApiResult<PagedList<KeyInfo>>> KeysAsync(CancellationToken ct) =>
        SendAsync<PagedList<KeyInfo>>(HttpMethod.Get, "/api/keys", null, ct);

    public Task<ApiResult<KeyInfo>> KeyAsync(string name, CancellationToken ct) =>
        SendAsync<KeyInfo>(HttpMethod.Get, $"/api/keys/{Uri.EscapeDataString(name)}", null, ct);

    public Task<ApiResult<AuditVerification>> VerifyAuditAsync(CancellationToken ct) =>
        SendAsync<AuditVerification>(HttpMethod.Get, "/api/keys/audit/verify", null, ct);

    public Task<ApiResult<PagedList<Recommended>>> TrendingAsync(string window, int pageSize, CancellationToken ct) =>
        SendAsync<PagedList<Recommended>>(HttpMethod.Get, $"/api/trending?window={Uri.EscapeDataString(window)}&pageSize={pageSize}", null, ct);

    public Task<ApiResult<PagedList<ModelSummary>>> ModelsAsync(CancellationToken ct) =>
        SendAsync<PagedList<ModelSummary>>(HttpMethod.Get, "/api/analytics/models", null, ct);

    public Task<ApiResult<PagedList<Recommended>>> BoughtTogetherAsync(Guid productId, int pageSize, CancellationToken ct) =>
        SendAsync<PagedList<Recommended>>(HttpMethod.Get, $"/api/recommendations/products/{productId}?pageSize={pageSize}", null, ct);

    public Task<ApiResult<PagedList<Recommended>>> ForMeAsync(int pageSize, CancellationToken ct) =>
        SendAsync<PagedList<Recommended>>(HttpMethod.Get, $"/api/recommendations/me?pageSize={pageSize}", null, ct);

    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct,
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token.Value is { } bearer)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (body is not null)
            request.Content = JsonContent.Create(body, options: Json);
        configure?.Invoke(request);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            return ApiProblem.Unavailable($"The shop could not be reached ({e.HttpRequestError}). Please try again shortly.");
        }
        using (response)
        {
            if (response.IsSuccessStatusCode)
                return new ApiResult<T>(response.StatusCode == HttpStatusCode.NoContent ? default : await response.Content.ReadFromJsonAsync<T>(Json, ct), null);
            return await ProblemAsync(response, ct);
        }
    }

    private static async Task<ApiProblem> ProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        ApiProblem? body = null;
        try
        {
            body = await response.Content.ReadFromJsonAsync<ApiProblem>(Json, ct);
        }
        catch (JsonException)
        {
            // Not a problem document: described by its status below.
        }
        // Who may do what is said in the shop's words; anything else keeps the API's own title and detail.
        var title = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => "Please sign in again",
            HttpStatusCode.Forbidden => "This needs an administrator",
            _ => body?.Title ?? (response.StatusCode == HttpStatusCode.NotFound ? "Not found" : $"The shop answered {status} {response.ReasonPhrase}"),
        };
        return new ApiProblem(title, body?.Detail, status, body?.Errors);
    }
}
