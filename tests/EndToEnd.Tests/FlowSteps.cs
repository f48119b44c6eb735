using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// More steps through the gateway for the event, approval and availability tests (beside <see cref="SagaClient"/>):
/// pick products by price, place an order, wait for any status, decide a held order, read the catalog and dead letters.
/// </summary>
public static class FlowSteps
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary><paramref name="count"/> products with distinct SKUs priced from <paramref name="minPrice"/> to <paramref name="maxPrice"/>, cheapest first.</summary>
    public static async Task<List<CatalogProduct>> ProductsPricedAsync(this SagaClient api, decimal minPrice, decimal maxPrice, int count, CancellationToken ct)
    {
        var page = await api.Http.GetFromJsonAsync<CatalogPage>(
            $"/api/catalog/products?minPrice={minPrice}&maxPrice={maxPrice}&sort=price&pageSize=100", SagaClient.Json, ct);
        var products = page!.Items.DistinctBy(p => p.Sku).Take(count).ToList();
        Assert.True(products.Count == count, $"the demo catalog has {products.Count} products priced {minPrice}–{maxPrice}, {count} needed");
        return products;
    }

    public static async Task<CatalogProduct> CatalogProductAsync(this SagaClient api, Guid id, CancellationToken ct) =>
        (await api.Http.GetFromJsonAsync<CatalogProduct>($"/api/catalog/products/{id}", SagaClient.Json, ct))!;

    /// <summary>A new customer puts <paramref name="quantity"/> of the product in the cart and checks out: (customer token, order id).</summary>
    public static async Task<(string Customer, Guid OrderId)> PlaceOrderAsync(
        this SagaClient api, string name, Guid productId, int quantity, string card, CancellationToken ct)
    {
        var (customer, _) = await api.NewCustomerAsync(name, ct);
        await api.AddToCartAsync(customer, productId, quantity, ct);
        var checkout = await api.CheckoutAsync(customer, card, Guid.NewGuid().ToString(), ct);
        Assert.True(checkout.StatusCode == HttpStatusCode.Accepted, await api.DescribeAsync(checkout));
        return (customer, (await checkout.Content.ReadFromJsonAsync<OrderPlaced>(SagaClient.Json, ct))!.OrderId);
    }

    /// <summary>Polls the order until it has <paramref name="status"/>; fails early if it ends in another terminal status.</summary>
    public static async Task<Order> AwaitStatusAsync(this SagaClient api, string token, Guid orderId, string status, TimeSpan limit, CancellationToken ct)
    {
        Order? last = null;
        await api.AwaitAsync(async () =>
        {
            last = (await api.GetAsync<Order>(token, $"/api/orders/{orderId}", ct))!;
            if (last.Status == status)
                return true;
            var passedBy = last.Status is "Cancelled" or "Delivered" || (last.Status == "Completed" && status != "Delivered");
            Assert.False(passedBy, $"order {orderId} is {last.Status} ({last.CancellationReason}) while awaiting {status}\n{api.LogTail()}");
            return false;
        }, limit, () => $"order {orderId} is still {last?.Status}, not {status}", ct);
        return last!;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="describe"/> and the shop log after <paramref name="limit"/>.</summary>
    public static async Task AwaitAsync(this SagaClient api, Func<Task<bool>> condition, TimeSpan limit, Func<string> describe, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
                Assert.Fail($"{describe()} after {limit}\n{api.LogTail()}");
            await Task.Delay(PollInterval, ct);
        }
    }

    /// <summary><c>POST /api/orders/{id}/approval</c> as <paramref name="token"/>; returns the answer.</summary>
    public static async Task<HttpResponseMessage> DecideAsync(this SagaClient api, string token, Guid orderId, bool approved, string? reason, CancellationToken ct)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, $"/api/orders/{orderId}/approval") { Content = JsonContent.Create(new { approved, reason }) };
        post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await api.Http.SendAsync(post, ct);
    }

    /// <summary>Every dead letter ordering keeps, page by page (at most 100 a page).</summary>
    public static async Task<List<DeadLetter>> DeadLettersAsync(this SagaClient api, string admin, CancellationToken ct)
    {
        var letters = new List<DeadLetter>();
        for (var page = 1; ; page++)
        {
            var items = (await api.GetAsync<DeadLetterPage>(admin, $"/api/orders/admin/deadletters?page={page}&pageSize=100", ct))!;
            letters.AddRange(items.Items);
            if (items.Items.Count == 0 || letters.Count >= items.Total)
                return letters;
        }
    }

    /// <summary>The e-mail files notifications wrote for one event type of an order.</summary>
    public static string[] EmailFiles(this ShopFixture shop, Guid orderId, string eventType) =>
        Directory.Exists(shop.MailDir) ? Directory.GetFiles(shop.MailDir, $"{orderId:D}-*-{eventType}.eml") : [];

    /// <summary>The e-mails notifications writes for an order that completes: one per customer-facing event.</summary>
    public static readonly string[] CompletedOrderEmails = ["OrderSubmitted", "OrderPaid", "OrderShipped", "OrderCompleted"];

    /// <summary>
    /// Waits (one deadline for all) until every completed order has each of its e-mails exactly once; returns what is still
    /// wrong at the deadline ("{order}:{type} ×{files}"), empty when nothing is.
    /// </summary>
    public static async Task<List<string>> AwaitCompletedOrderEmailsAsync(this ShopFixture shop, IReadOnlyCollection<Guid> completed, TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            List<string> wrong = [.. completed.SelectMany(id => CompletedOrderEmails.Select(type => (id, type, files: shop.EmailFiles(id, type).Length)))
                .Where(e => e.files != 1).Select(e => $"{e.id}:{e.type} ×{e.files}")];
            if (wrong.Count == 0 || clock.Elapsed > limit)
                return wrong;
            await Task.Delay(PollInterval, ct);
        }
    }

    private sealed record CatalogPage(List<CatalogProduct> Items);

    private sealed record DeadLetterPage(List<DeadLetter> Items, int Total);
}

/// <summary>A product as the catalog shows it, with its availability.</summary>
public sealed record CatalogProduct(Guid Id, string Sku, string Name, decimal Price, int Available, bool StockKnown);

public sealed record DeadLetter(string Id, string? Type, string? Source, string? Topic, DateTimeOffset ReceivedAt);

public sealed record ShipmentView(Guid OrderId, string ShipmentId, string TrackingNumber, string Status);
