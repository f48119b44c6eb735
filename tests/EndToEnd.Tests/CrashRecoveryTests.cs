namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// <c>kill -9</c> of one app while 100 checkouts are in flight, then a restart, in a shop of its own
/// (<see cref="ChaosShopFixture"/>). Whatever the crash interrupted, every order must end and nothing be lost
/// (<see cref="OrdersUnderCrash"/> says what is checked).
/// </summary>
public sealed partial class CrashRecoveryTests(ChaosShopFixture shop) : IClassFixture<ChaosShopFixture>
{
    private readonly SagaClient _api = new(shop);

    private OrdersUnderCrash Orders => new(_api);

    [Fact]
    public Task Kill_9_of_ordering_with_100_orders_in_flight_ends_every_order_and_loses_no_money_or_stock() =>
        Orders.RunAsync(ChaosShopFixture.Ordering, firstProduct: 0, KillAndRestartAppAsync(ChaosShopFixture.Ordering));

    [Fact]
    public Task Kill_9_of_payment_with_100_orders_in_flight_ends_every_order_and_loses_no_money_or_stock() =>
        Orders.RunAsync(ChaosShopFixture.Payment, firstProduct: 4, KillAndRestartAppAsync(ChaosShopFixture.Payment));

    /// <summary>
    /// A power cut: <c>kill -9</c> of the dev sidecar's process (every sidecar of the shop) and of every app at once, then the
    /// whole shop started again over the same servers. Whatever was in flight lives only in the durable stores and brokers.
    /// </summary>
    [Fact]
    public async Task Kill_9_of_the_dev_sidecar_and_every_app_with_100_orders_in_flight_ends_every_order_mails_each_once_and_loses_nothing()
    {
        if (ComponentSet.Name == ComponentSet.Local)
            Assert.Skip("components/local's pub/sub lives in the sidecar process's memory and dies with it (as daprd's pubsub.in-memory does); "
                + "this runs on the durable sets: SHOP_COMPONENT_SET=redis or postgres (test.sh runs both)");
        var orders = await Orders.RunAsync("sidecar", firstProduct: 8, async ct =>
        {
            await shop.CrashAsync(ct);
            await shop.RestartAsync(ct);
        });

        // An event a subscriber had taken but not acknowledged when the power went comes back: on RabbitMQ as soon as the
        // sidecar reconnects, on Redis Streams once it has been pending processingTimeout (60 s), looked for every
        // redeliverInterval (15 s). Its e-mail's marker, left Sending by the killed delivery, is then taken over.
        var completed = orders.Where(o => o.Status == "Completed").Select(o => o.Id).ToList();
        var wrong = await shop.AwaitCompletedOrderEmailsAsync(completed, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.True(wrong.Count == 0, $"{wrong.Count} e-mails missing or written more than once two minutes after every order ended: {string.Join(", ", wrong.Take(12))}");
    }

    private Func<CancellationToken, Task> KillAndRestartAppAsync(string victim) => async ct =>
    {
        var app = shop.Owned(victim);
        await app.KillAsync(ct);
        app.Start();
        await app.WaitReadyAsync(TimeSpan.FromMinutes(1), ct);
    };
}
