using System.Collections.Concurrent;
using System.Diagnostics;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// 100 checkouts in flight and a crash struck mid-flight (some orders paid, at least half not finished), then what must
/// hold whatever the crash interrupted: every order ends Completed or Cancelled, the money adds up (charges − refunds =
/// the total of the completed orders, and each order's payment agrees with its status), no unit of stock appears or
/// vanishes (on hand + sold = the stock at the start, nothing left reserved), and the crash changed no order's outcome.
/// Shared by <see cref="CrashRecoveryTests"/> (one app, or the whole shop, killed) and <see cref="ReplicaKillTests"/>
/// (one replica of each of four apps killed).
/// </summary>
public sealed class OrdersUnderCrash(SagaClient api)
{
    public const int Orders = 100;

    /// <summary>Four products per test, one unit per shopper in turn; the last is short (25 wanted), so some orders are refused too.</summary>
    public static readonly int[] StartStock = [30, 30, 30, 15];

    private readonly SagaClient _api = api;

    /// <summary>
    /// Runs the orders on four cheap products from <paramref name="firstProduct"/> on (each test on one shop its own four),
    /// strikes with <paramref name="crash"/> mid-flight, waits for every order to end and checks what must hold.
    /// </summary>
    /// <returns>Every order, ended.</returns>
    public async Task<List<Order>> RunAsync(string victim, int firstProduct, Func<CancellationToken, Task> crash)
    {
        var ct = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        var admin = await _api.LoginAdminAsync(ct);
        var products = (await _api.CheapProductsAsync(firstProduct + StartStock.Length, 400m, ct)).Skip(firstProduct).ToList();
        for (var i = 0; i < products.Count; i++)
            await _api.SetStockAsync(admin, products[i].Sku, StartStock[i], ct);
        var ledgerBefore = (await _api.GetAsync<Ledger>(admin, "/api/payments/ledger", ct))!.Usd;
        var crowd = new ShopperCrowd(_api);
        var shoppers = await crowd.ArriveAsync(Orders, $"crash-{victim}-", i => products[i % products.Count], ct);

        var placed = new ConcurrentBag<PlacedOrder>();
        var checkouts = crowd.CheckoutAllAsync(shoppers, placed, ct);
        var atKill = await AwaitMidFlightAsync(crowd, placed, ct);
        output?.WriteLine($"killing {victim} with {placed.Count} of {Orders} orders placed: {Describe(atKill)}");

        var outage = Stopwatch.StartNew();
        await crash(ct);
        output?.WriteLine($"{victim} was down {outage.Elapsed.TotalSeconds:0.0}s (kill -9 to ready again)");

        await checkouts;
        var orders = await crowd.AwaitAllTerminalAsync([.. placed], TimeSpan.FromMinutes(4), ct);
        var byStatus = orders.GroupBy(o => o.Status).ToDictionary(g => g.Key, g => g.Count());
        var reasons = orders.Select(o => o.CancellationReason).OfType<string>().GroupBy(r => r[..Math.Min(60, r.Length)])
            .Select(g => $"{g.Count()}× {g.Key}");
        output?.WriteLine($"settled {outage.Elapsed.TotalSeconds:0.0}s after the kill: {string.Join(", ", byStatus.Select(kv => $"{kv.Value} {kv.Key}"))}; "
            + $"{crowd.Resent}; reasons: {string.Join(" | ", reasons)}");

        Assert.Equal(Orders, orders.Select(o => o.Id).Distinct().Count());
        await AssertMoneyAddsUpAsync(crowd, admin, orders, ledgerBefore, ct);
        await AssertNoStockLostOrMadeAsync(admin, products, orders, ct);
        AssertTheCrashChangedNoOutcome(shoppers, orders);
        return orders;
    }

    /// <summary>
    /// The crash only delayed orders: each product sold as many as it had (or as were wanted), and the only orders
    /// cancelled are the ones its stock could not cover — none for "a step kept failing".
    /// </summary>
    private static void AssertTheCrashChangedNoOutcome(Shopper[] shoppers, List<Order> orders)
    {
        Assert.All(orders.Where(o => o.Status == "Cancelled"), o => Assert.StartsWith("Out of stock", o.CancellationReason, StringComparison.Ordinal));
        for (var i = 0; i < StartStock.Length; i++)
        {
            var sku = shoppers[i].Product.Sku;
            var wanted = shoppers.Count(s => s.Product.Sku == sku);
            var sold = orders.Count(o => o.Status == "Completed" && o.Lines.Any(l => l.Sku == sku));
            Assert.True(sold == Math.Min(wanted, StartStock[i]), $"{sku}: {wanted} wanted, {StartStock[i]} in stock, {sold} sold");
        }
    }

    /// <summary>
    /// The moment to strike, read from the orders themselves: some are paid already (past reserve and charge), yet at
    /// least half are not finished. Fails if the orders ran past that window before it was seen.
    /// </summary>
    private async Task<Dictionary<Guid, Order>> AwaitMidFlightAsync(ShopperCrowd crowd, ConcurrentBag<PlacedOrder> placed, CancellationToken ct)
    {
        const int PaidAtLeast = 5;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var seen = await crowd.LookAsync([.. placed], ct);
            var paid = seen.Values.Count(o => o.Status is "Paid" or "Completed");
            var finished = seen.Values.Count(o => o.Status is "Completed" or "Cancelled");
            Assert.True(finished <= Orders / 2, $"the orders ran past the crash window unseen: {Describe(seen)}");
            if (paid >= PaidAtLeast)
                return seen;
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"no {PaidAtLeast} orders were paid within 3 minutes: {Describe(seen)}\n{_api.LogTail()}");
            await Task.Delay(250, ct);
        }
    }

    private async Task AssertMoneyAddsUpAsync(ShopperCrowd crowd, string admin, List<Order> orders, LedgerLine before, CancellationToken ct)
    {
        var completed = orders.Where(o => o.Status == "Completed").ToList();
        var after = (await _api.GetAsync<Ledger>(admin, "/api/payments/ledger", ct))!.Usd;
        Assert.True(after.Net - before.Net == completed.Sum(o => o.Total) && after.Charges - before.Charges - (after.Refunds - before.Refunds) == completed.Count,
            $"charges − refunds must be the {completed.Count} completed orders' {completed.Sum(o => o.Total)}: ledger before {before}, after {after}");

        // Order by order, so two mistakes cannot cancel out in the sum: a completed order is charged, a cancelled one is not.
        using var gate = new SemaphoreSlim(4);
        var wrong = new ConcurrentBag<string>();
        await Task.WhenAll(orders.Select(async order =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var payment = await crowd.GetOrNullAsync<Payment>(admin, $"/api/payments/{order.Id}", ct);
                var charged = payment is { State: "Charged" };
                if (charged != (order.Status == "Completed") || (charged && payment!.Amount != order.Total))
                    wrong.Add($"{order.Id} is {order.Status} ({order.CancellationReason}) but its payment is {payment?.State ?? "absent"} {payment?.Amount}");
            }
            finally
            {
                gate.Release();
            }
        }));
        Assert.True(wrong.IsEmpty, string.Join("\n", wrong));
    }

    private async Task AssertNoStockLostOrMadeAsync(string admin, List<Product> products, List<Order> orders, CancellationToken ct)
    {
        for (var i = 0; i < products.Count; i++)
        {
            var sku = products[i].Sku;
            var sold = orders.Where(o => o.Status == "Completed").SelectMany(o => o.Lines).Where(l => l.Sku == sku).Sum(l => l.Quantity);
            var stock = await _api.GetStockAsync(admin, sku, ct);
            Assert.True(stock.OnHand + sold == StartStock[i] && stock.Reserved == 0,
                $"{sku}: started with {StartStock[i]}, sold {sold}, now {stock}");
        }
    }

    private static string Describe(Dictionary<Guid, Order> seen) =>
        string.Join(", ", seen.Values.GroupBy(o => o.Status).Select(g => $"{g.Count()} {g.Key}")) + $" ({Orders - seen.Count} not placed or unreadable)";
}
