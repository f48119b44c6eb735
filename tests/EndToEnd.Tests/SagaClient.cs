using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// What the checkout saga tests do through the gateway: log in (the admin from components/local/secrets.json, fresh
/// customers), set and read stock, fill a cart, check out, and wait for an order to reach a terminal status.
/// </summary>
public sealed class SagaClient(ShopFixture shop)
{
    public const string ApprovingCard = "4242424242424242";
    public const string DecliningCard = "4000000000000002";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public HttpClient Http => shop.Http;

    public async Task<string> LoginAdminAsync(CancellationToken ct)
    {
        var secrets = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(shop.RepoRoot, "components/local/secrets.json"), ct))!;
        return await LoginAsync(secrets["admin-email"]!.GetValue<string>(), secrets["admin-password"]!.GetValue<string>(), ct);
    }

    /// <summary>Registers a new customer and logs them in: (token, e-mail).</summary>
    public async Task<(string Token, string Email)> NewCustomerAsync(string name, CancellationToken ct)
    {
        var email = $"{name}-{Guid.NewGuid():N}@example.com";
        var register = await Http.PostAsJsonAsync("/api/identity/register", new { email, password = "Corr3ct-Horse-Battery", name }, ct);
        Assert.True(register.StatusCode == HttpStatusCode.Created, await DescribeAsync(register));
        return (await LoginAsync(email, "Corr3ct-Horse-Battery", ct), email);
    }

    private async Task<string> LoginAsync(string email, string password, CancellationToken ct)
    {
        var login = await Http.PostAsJsonAsync("/api/identity/login", new { email, password }, ct);
        Assert.True(login.IsSuccessStatusCode, await DescribeAsync(login));
        return (await login.Content.ReadFromJsonAsync<TokenResponse>(Json, ct))!.AccessToken;
    }

    /// <summary><paramref name="count"/> distinct products, cheapest first, each priced under <paramref name="maxPrice"/> (no fraud hold).</summary>
    public async Task<List<Product>> CheapProductsAsync(int count, decimal maxPrice, CancellationToken ct)
    {
        var page = await Http.GetFromJsonAsync<ProductPage>("/api/catalog/products?pageSize=100", Json, ct);
        var cheap = page!.Items.Where(p => p.Price > 0 && p.Price < maxPrice).DistinctBy(p => p.Sku).OrderBy(p => p.Price).Take(count).ToList();
        Assert.True(cheap.Count == count, $"the demo catalog's first page has {cheap.Count} products under {maxPrice}, {count} needed");
        return cheap;
    }

    public async Task<StockLevel> SetStockAsync(string admin, string sku, int onHand, CancellationToken ct)
    {
        using var put = Request(HttpMethod.Put, $"/api/inventory/{Uri.EscapeDataString(sku)}", admin, new { onHand });
        var response = await Http.SendAsync(put, ct);
        Assert.True(response.IsSuccessStatusCode, await DescribeAsync(response));
        return (await response.Content.ReadFromJsonAsync<StockLevel>(Json, ct))!;
    }

    public async Task<StockLevel> GetStockAsync(string token, string sku, CancellationToken ct) =>
        (await GetAsync<StockLevel>(token, $"/api/inventory/{Uri.EscapeDataString(sku)}", ct))!;

    public async Task AddToCartAsync(string customer, Guid productId, int quantity, CancellationToken ct)
    {
        using var add = Request(HttpMethod.Post, "/api/cart/items", customer, new { productId, quantity });
        var response = await Http.SendAsync(add, ct);
        Assert.True(response.IsSuccessStatusCode, await DescribeAsync(response));
    }

    public async Task<HttpResponseMessage> CheckoutAsync(string customer, string card, string idempotencyKey, CancellationToken ct,
        string expiry = "12/34", string cvc = "123", string? traceParent = null)
    {
        using var checkout = Request(HttpMethod.Post, "/api/cart/checkout", customer, new
        {
            shippingAddress = new { name = "Ada Shopper", street = "1 Main Street", city = "Springfield", postalCode = "12345", country = "US" },
            card = new { number = card, expiry, cvc },
        });
        checkout.Headers.Add("Idempotency-Key", idempotencyKey);
        if (traceParent is not null)
            checkout.Headers.Add("traceparent", traceParent);
        return await Http.SendAsync(checkout, ct);
    }

    public async Task<T?> GetAsync<T>(string token, string path, CancellationToken ct)
    {
        using var get = Request(HttpMethod.Get, path, token);
        var response = await Http.SendAsync(get, ct);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {await DescribeAsync(response)}");
        return await response.Content.ReadFromJsonAsync<T>(Json, ct);
    }

    public async Task<HttpStatusCode> StatusOfAsync(string token, string path, CancellationToken ct)
    {
        using var get = Request(HttpMethod.Get, path, token);
        return (await Http.SendAsync(get, ct)).StatusCode;
    }

    /// <summary>Polls the order until it is Completed or Cancelled; fails with the last status seen and the shop log.</summary>
    public async Task<Order> AwaitTerminalAsync(string customer, Guid orderId, TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        Order? last = null;
        while (clock.Elapsed < limit)
        {
            last = await GetAsync<Order>(customer, $"/api/orders/{orderId}", ct);
            if (last is { Status: "Completed" or "Cancelled" })
                return last;
            await Task.Delay(PollInterval, ct);
        }
        Assert.Fail($"order {orderId} is still {last?.Status} after {limit}\n{LogTail()}");
        throw new UnreachableException();
    }

    /// <summary>Waits for the e-mail notifications writes for one event of an order (file name {orderId}-{version}-{type}.eml).</summary>
    public async Task<string> AwaitEmailAsync(Guid orderId, string eventType, TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (Directory.Exists(shop.MailDir) && Directory.GetFiles(shop.MailDir, $"{orderId:D}-*-{eventType}.eml") is [var file])
                return await File.ReadAllTextAsync(file, ct);
            await Task.Delay(PollInterval, ct);
        }
        var present = Directory.Exists(shop.MailDir) ? string.Join(", ", Directory.GetFiles(shop.MailDir, $"{orderId:D}-*").Select(Path.GetFileName)) : "(no mail folder)";
        Assert.Fail($"no {eventType} e-mail for order {orderId} in {shop.MailDir} after {limit}; present: {present}\n{LogTail()}");
        throw new UnreachableException();
    }

    public async Task<string> DescribeAsync(HttpResponseMessage response) =>
        $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{LogTail()}";

    public string LogTail() => "--- shop log (tail) ---\n" + string.Join('\n', shop.Log.Split('\n').TakeLast(60));

    private static HttpRequestMessage Request(HttpMethod method, string path, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        return request;
    }

    private sealed record TokenResponse(string AccessToken);

    private sealed record ProductPage(List<Product> Items);
}

public sealed record Product(Guid Id, string Sku, string Name, decimal Price);

public sealed record StockLevel(string Sku, int OnHand, int Reserved, int Available);

public sealed record OrderLine(Guid ProductId, string Sku, int Quantity, decimal UnitPrice);

public sealed record Order(Guid Id, string Status, List<OrderLine> Lines, decimal Total, string Currency, string? PaymentId, string? CancellationReason, bool Refunded);

public sealed record OrderPlaced(Guid OrderId);

public sealed record HistoryEntry(long Version, string Type, DateTimeOffset OccurredAt);

public sealed record Payment(Guid OrderId, string State, decimal Amount, string Currency, string? PaymentId);

public sealed record LedgerLine(string Currency, decimal Charged, decimal Refunded, decimal Net, int Charges, int Refunds);

public sealed record Ledger(List<LedgerLine> Items)
{
    public LedgerLine Usd => Items.FirstOrDefault(l => l.Currency == "USD") ?? new LedgerLine("USD", 0, 0, 0, 0, 0);
}

public sealed record OrderList(List<Order> Items, long Total);
