using Microsoft.Extensions.Time.Testing;
using ShopDapr.Contracts.Ordering;

namespace ShopDapr.Ordering.Tests;

public sealed class OutboxRelayTimerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_relay_republishes_on_its_own_when_its_interval_passes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await OrderingFactory.StartAsync(Ct, time);
        app.FailPublishes = true;
        _ = app.Server; // start the host, and with it the relay
        var id = Guid.NewGuid();
        await app.Events.AppendAsync(id, id, v => new OrderSubmitted(id, id, v, "c1", "e", time.GetUtcNow(),
            [new OrderLine(Guid.NewGuid(), "SKU-1", "Hammer", 1m, 1)], 1m, "EUR", new Address("A", "S", "C", "P", "FR"), "4242"), Ct);
        Assert.Empty(app.Published);

        app.FailPublishes = false;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (app.Published.Count == 0 && DateTime.UtcNow < deadline)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20, Ct); // let the relay's tick run on the thread pool
        }

        var published = Assert.Single(app.Published);
        Assert.Equal(id, Assert.IsType<OrderSubmitted>(published.Event).OrderId);
    }
}
