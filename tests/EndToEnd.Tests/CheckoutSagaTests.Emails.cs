using System.Collections.Concurrent;
using System.Diagnostics;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>The same class as the other saga tests (partial), so it never runs beside them and their ledger checks.</summary>
public sealed partial class CheckoutSagaTests
{
    [Fact]
    public async Task Every_completed_order_of_a_short_load_run_has_all_its_emails()
    {
        const int Shoppers = 40;
        var ct = TestContext.Current.CancellationToken;
        var admin = await _api.LoginAdminAsync(ct);
        var product = (await _api.CheapProductsAsync(5, 400m, ct))[4];
        await _api.SetStockAsync(admin, product.Sku, 1000, ct);
        var crowd = new ShopperCrowd(_api);
        var customers = await crowd.ArriveAsync(Shoppers, "mailed", _ => product, ct);

        var placed = new ConcurrentBag<PlacedOrder>();
        await crowd.CheckoutAllAsync(customers, placed, ct);
        var orders = await crowd.AwaitAllTerminalAsync([.. placed], TimeSpan.FromMinutes(3), ct);
        var completed = orders.Where(o => o.Status == "Completed").Select(o => o.Id).ToList();
        Assert.True(completed.Count == Shoppers, $"{completed.Count} of {Shoppers} completed: {string.Join(" | ", orders.Select(o => o.CancellationReason).Distinct())}");

        // The events reach notifications after the sagas ended: await every file, one deadline for all of them.
        var clock = Stopwatch.StartNew();
        var missing = await shop.AwaitCompletedOrderEmailsAsync(completed, MailLimit, ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"{Shoppers} orders completed; their e-mails all written {clock.Elapsed.TotalSeconds:0.0}s after the last saga ended");
        Assert.True(missing.Count == 0, $"{missing.Count} e-mails missing (or written twice) {MailLimit} after the sagas ended: {string.Join(", ", missing.Take(12))}\n{_api.LogTail()}");
    }
}
