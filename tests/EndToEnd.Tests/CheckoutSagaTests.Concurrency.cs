using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>The same class as the other saga tests (partial), so it never runs beside them and their ledger checks.</summary>
public sealed partial class CheckoutSagaTests
{
    [Fact]
    public async Task Twenty_concurrent_checkouts_for_five_in_stock_complete_exactly_five_and_never_oversell()
    {
        const int Shoppers = 20, InStock = 5;
        var ct = TestContext.Current.CancellationToken;
        var admin = await _api.LoginAdminAsync(ct);
        var product = (await _api.CheapProductsAsync(4, 400m, ct))[3];
        await _api.SetStockAsync(admin, product.Sku, InStock, ct);

        var customers = await Task.WhenAll(Enumerable.Range(0, Shoppers).Select(async i =>
        {
            var (token, _) = await _api.NewCustomerAsync($"rush{i}", ct);
            await _api.AddToCartAsync(token, product.Id, 1, ct);
            return token;
        }));

        // Watch the stock while the sagas run: on hand and available must never go below zero, reserved never above on hand.
        var seen = new ConcurrentBag<StockLevel>();
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watcher = Task.Run(async () =>
        {
            while (!stopWatching.IsCancellationRequested)
            {
                seen.Add(await _api.GetStockAsync(admin, product.Sku, CancellationToken.None));
                await Task.Delay(100, CancellationToken.None);
            }
        }, CancellationToken.None);

        var answers = await Task.WhenAll(customers.Select(async token =>
        {
            var checkout = await _api.CheckoutAsync(token, SagaClient.ApprovingCard, Guid.NewGuid().ToString(), ct);
            var placed = checkout.StatusCode == HttpStatusCode.Accepted ? await checkout.Content.ReadFromJsonAsync<OrderPlaced>(SagaClient.Json, ct) : null;
            return (token, placed?.OrderId, Refusal: placed is null ? await _api.DescribeAsync(checkout) : null);
        }));
        // Every accepted order runs to its end before anything is asserted, so a failure here leaves no saga running
        // into the next test (and its ledger check).
        var orders = await Task.WhenAll(answers.Where(a => a.OrderId is not null)
            .Select(a => _api.AwaitTerminalAsync(a.token, a.OrderId!.Value, TimeSpan.FromSeconds(120), ct)));
        await stopWatching.CancelAsync();
        await watcher;
        Assert.True(answers.All(a => a.Refusal is null), $"not every checkout was accepted: {answers.FirstOrDefault(a => a.Refusal is not null).Refusal}");

        var byStatus = orders.GroupBy(o => o.Status).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(byStatus.GetValueOrDefault("Completed") == InStock,
            $"{string.Join(", ", byStatus.Select(kv => $"{kv.Value} {kv.Key}"))}; reasons: {string.Join(" | ", orders.Select(o => o.CancellationReason).Distinct())}");
        Assert.Equal(Shoppers - InStock, byStatus.GetValueOrDefault("Cancelled"));
        Assert.All(orders.Where(o => o.Status == "Cancelled"), o => Assert.StartsWith("Out of stock", o.CancellationReason, StringComparison.Ordinal));

        var final = await _api.GetStockAsync(admin, product.Sku, ct);
        Assert.Equal((0, 0, 0), (final.OnHand, final.Reserved, final.Available));
        Assert.NotEmpty(seen);
        Assert.All(seen, s => Assert.True(s.OnHand >= 0 && s.Available >= 0 && s.Reserved <= s.OnHand, $"stock went wrong: {s}"));
    }
}
