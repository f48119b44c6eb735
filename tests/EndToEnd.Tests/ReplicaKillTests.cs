using System.Text.RegularExpressions;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// High availability on one machine: two replicas each of cart, ordering, payment and inventory, 100 checkouts from a
/// crowd of clients that retry as the README tells a client to, and <c>kill -9</c> of one replica of each mid-flight,
/// never restarted. The survivors carry on: every request a client retried succeeds, every order ends, money and stock
/// add up and no outcome changes (<see cref="OrdersUnderCrash"/>). The sidecars' own logs prove the hand-over: each dead
/// replica was taken out, inventory actors it held moved, and workflows its ordering worker had in flight finished on the
/// survivor.
/// </summary>
public sealed partial class ReplicaKillTests(ReplicaShopFixture shop) : IClassFixture<ReplicaShopFixture>
{
    private readonly SagaClient _api = new(shop);

    [Fact]
    public async Task Kill_9_of_one_replica_each_of_cart_ordering_payment_and_inventory_under_load_ends_every_order_on_the_survivors()
    {
        var ct = TestContext.Current.CancellationToken;
        // Placement spreads inventory's actors (one per SKU) over both replicas: reading twenty SKUs activates some on each.
        var admin = await _api.LoginAdminAsync(ct);
        foreach (var product in await _api.CheapProductsAsync(20, 10_000m, ct))
            await _api.GetStockAsync(admin, product.Sku, ct);
        var logBeforeKill = 0;

        var orders = await new OrdersUnderCrash(_api).RunAsync("replicas", firstProduct: 0, async crashCt =>
        {
            logBeforeKill = shop.Log.Length;
            await Task.WhenAll(ReplicaShopFixture.Replicated.Select(app => shop.Owned(app).KillAsync(crashCt)));
        });

        var log = shop.Log[logBeforeKill..];
        foreach (var app in ReplicaShopFixture.Replicated)
            Assert.True(Regex.IsMatch(log, $@"== DAPR - {app} \(replica 2\) == .*App {app} is down"), $"{app}'s killed replica was not taken out:\n{Tail(log)}");

        var moved = MovedActor().Matches(log).Select(m => m.Groups["actor"].Value).ToList();
        Assert.True(moved.Count > 0, $"no inventory actor of the killed replica moved:\n{Tail(log)}");

        var handedOver = HandedOver().Matches(log).SelectMany(m => m.Groups["ids"].Value.Split(','))
            .Select(id => Guid.TryParse(id, out var orderId) ? orderId : Guid.Empty).Where(id => id != Guid.Empty).ToHashSet();
        var resumed = orders.Where(o => handedOver.Contains(o.Id)).ToList();
        // Each ended (RunAsync waited for every order), with the killed worker gone: on the survivor.
        Assert.True(resumed.Count > 0, $"no order's workflow was in flight on the killed ordering replica:\n{Tail(log)}");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{moved.Count} actor(s) moved off the killed inventory replica (e.g. {moved[0]}); {resumed.Count} order workflow(s) in flight on the killed ordering replica finished on the survivor");
    }

    [GeneratedRegex(@"== DAPR - inventory \(replica 2\) == .*Actor (?<actor>InventoryActor\|\|\S+) now belongs to another replica")]
    private static partial Regex MovedActor();

    [GeneratedRegex(@"App ordering: a worker left with work in flight; handed to the other workers: instances (?<ids>\S+)")]
    private static partial Regex HandedOver();

    private static string Tail(string log) => log.Length <= 6000 ? log : log[^6000..];
}
