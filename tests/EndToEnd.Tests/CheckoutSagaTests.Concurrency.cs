using System.Collections.Concurrent;
using System.Diagnostics;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>The same class as the other saga tests (partial), so it never runs beside them and their ledger checks.</summary>
public sealed partial class CheckoutSagaTests
{
    [Fact]
    public async Task Two_hundred_concurrent_checkouts_for_ten_in_stock_complete_exactly_ten_and_never_oversell()
    {
        const int Shoppers = 200, InStock = 10;
        var ct = TestContext.Current.CancellationToken;
        var admin = await _api.LoginAdminAsync(ct);
        var product = (await _api.CheapProductsAsync(4, 400m, ct))[3];
        await _api.SetStockAsync(admin, product.Sku, InStock, ct);
        var ledgerBefore = (await _api.GetAsync<Ledger>(admin, "/api/payments/ledger", ct))!.Usd;
        var crowd = new ShopperCrowd(_api);
        var clock = Stopwatch.StartNew();
        var customers = await crowd.ArriveAsync(Shoppers, "rush", _ => product, ct);
        var arrived = clock.Elapsed;

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

        clock.Restart();
        var placed = new ConcurrentBag<PlacedOrder>();
        await crowd.CheckoutAllAsync(customers, placed, ct);
        var accepted = clock.Elapsed;
        // Every accepted order runs to its end before anything is asserted, so a failure here leaves no saga running
        // into the next test (and its ledger check).
        var orders = await crowd.AwaitAllTerminalAsync([.. placed], TimeSpan.FromMinutes(3), ct);
        var settled = clock.Elapsed;
        await stopWatching.CancelAsync();
        await watcher;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Shoppers} shoppers registered, logged in and filled their carts in {arrived.TotalSeconds:0.0}s; checkouts accepted in {accepted.TotalSeconds:0.0}s, all settled in {settled.TotalSeconds:0.0}s; {crowd.Resent}; {seen.Count} stock samples");

        Assert.Equal(Shoppers, orders.Select(o => o.Id).Distinct().Count());
        var byStatus = orders.GroupBy(o => o.Status).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(byStatus.GetValueOrDefault("Completed") == InStock,
            $"{string.Join(", ", byStatus.Select(kv => $"{kv.Value} {kv.Key}"))}; reasons: {string.Join(" | ", orders.Select(o => o.CancellationReason).Distinct())}");
        Assert.Equal(Shoppers - InStock, byStatus.GetValueOrDefault("Cancelled"));
        Assert.All(orders.Where(o => o.Status == "Cancelled"), o => Assert.StartsWith("Out of stock", o.CancellationReason, StringComparison.Ordinal));

        var final = await _api.GetStockAsync(admin, product.Sku, ct);
        Assert.Equal((0, 0, 0), (final.OnHand, final.Reserved, final.Available));
        Assert.NotEmpty(seen);
        Assert.All(seen, s => Assert.True(s.OnHand >= 0 && s.Available >= 0 && s.Reserved <= s.OnHand, $"stock went wrong: {s}"));

        var ledgerAfter = (await _api.GetAsync<Ledger>(admin, "/api/payments/ledger", ct))!.Usd;
        Assert.Equal((InStock, InStock * product.Price), (ledgerAfter.Charges - ledgerBefore.Charges, ledgerAfter.Charged - ledgerBefore.Charged));
        Assert.Equal((0, 0m), (ledgerAfter.Refunds - ledgerBefore.Refunds, ledgerAfter.Refunded - ledgerBefore.Refunded));
    }
}
