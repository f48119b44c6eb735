using Microsoft.Extensions.DependencyInjection;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Ordering.Infrastructure;

namespace ShopDapr.Ordering.Tests;

/// <summary>The event stream and its outbox, over a real dev sidecar's state store (<see cref="ShopDapr.Testing.DevDapr"/>).</summary>
public sealed class OrderEventStoreTests : IAsyncLifetime
{
    private OrderingFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly Guid _orderId = Guid.NewGuid();

    public async ValueTask InitializeAsync()
    {
        _app = await OrderingFactory.StartAsync(Ct);
        _ = _app.Server; // start the host
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private Task<long> SubmitAsync() => _app.Events.AppendAsync(_orderId, _orderId, v => new OrderSubmitted(_orderId, _orderId, v, "c1", "c1@example.com",
        DateTimeOffset.UtcNow, [new OrderLine(Guid.NewGuid(), "SKU-1", "Hammer", 1m, 1)], 1m, "EUR", new Address("A", "S", "C", "P", "FR"), "4242"), Ct);

    private Task<long> ReserveAsync(Guid eventId) =>
        _app.Events.AppendAsync(_orderId, eventId, v => new StockReserved(eventId, _orderId, v, "c1", "c1@example.com", DateTimeOffset.UtcNow), Ct);

    [Fact]
    public async Task Appending_the_same_event_id_twice_stores_it_once()
    {
        await SubmitAsync();
        var eventId = Guid.NewGuid();
        Assert.Equal(2, await ReserveAsync(eventId));
        Assert.Equal(2, await ReserveAsync(eventId));
        Assert.Equal(1, await SubmitAsync());

        var stream = await _app.Events.ReadAsync(_orderId, Ct);
        Assert.Equal([1L, 2L], stream!.Events.Select(e => e.Version));
        Assert.Equal(2, _app.Published.Count);
    }

    [Fact]
    public async Task A_concurrent_append_is_not_lost_the_loser_retries_at_the_next_version()
    {
        await SubmitAsync();
        var theirs = Guid.NewGuid();
        var interleaved = false;
        _app.Wire.BeforeWrite = async (_, key) =>
        {
            if (interleaved || key != OrderEventStore.Key(_orderId))
                return;
            interleaved = true;
            await ReserveAsync(theirs); // another writer gets in between our read and our write
        };
        var ours = Guid.NewGuid();
        var version = await _app.Events.AppendAsync(_orderId, ours,
            v => new OrderCancelled(ours, _orderId, v, "c1", "c1@example.com", DateTimeOffset.UtcNow, "test", false), Ct);

        Assert.Equal(3, version);
        var stream = await _app.Events.ReadAsync(_orderId, Ct);
        Assert.Equal([(1L, _orderId), (2L, theirs), (3L, ours)], stream!.Events.Select(e => (e.Version, e.EventId)));
    }

    [Fact]
    public async Task Events_are_published_with_their_type_on_order_events()
    {
        await SubmitAsync();
        var (topic, e, metadata) = Assert.Single(_app.Published);
        Assert.Equal("order-events", topic);
        Assert.Equal(_orderId, Assert.IsType<OrderSubmitted>(e).OrderId);
        Assert.Equal("OrderSubmitted", metadata["cloudevent.type"]);
        // And it went through the broker: a subscriber to order-events receives it with that type.
        var received = await _app.Dapr.Published.WaitForAsync(p => p.Type == nameof(OrderSubmitted), Ct);
        Assert.Equal(("order-events", _orderId), (received.Topic, received.As<OrderSubmitted>().OrderId));
    }

    [Fact]
    public async Task An_in_flight_event_is_marked_published_by_the_next_append_in_the_same_write()
    {
        await SubmitAsync();
        Assert.Equal([false], (await _app.Events.ReadAsync(_orderId, Ct))!.Events.Select(s => s.Published));
        var streamKey = OrderEventStore.Key(_orderId);
        var streamWrites = 0;
        _app.Wire.BeforeWrite = (_, key) =>
        {
            streamWrites += key == streamKey ? 1 : 0;
            return Task.CompletedTask;
        };

        await ReserveAsync(Guid.NewGuid());

        Assert.Equal(1, streamWrites);
        Assert.Equal([true, false], (await _app.Events.ReadAsync(_orderId, Ct))!.Events.Select(s => s.Published));
        Assert.Equal(["OrderSubmitted", "StockReserved"], _app.Published.Select(p => p.Event.GetType().Name));
    }

    [Fact]
    public async Task The_event_that_settles_an_order_is_marked_at_once_with_every_event_before_it()
    {
        await SubmitAsync();
        await ReserveAsync(Guid.NewGuid());
        var cancelled = Guid.NewGuid();
        await _app.Events.AppendAsync(_orderId, cancelled, v => new OrderCancelled(cancelled, _orderId, v, "c1", "c1@example.com", DateTimeOffset.UtcNow, "test", false), Ct);

        Assert.All((await _app.Events.ReadAsync(_orderId, Ct))!.Events, s => Assert.True(s.Published));
        Assert.Equal(3, _app.Published.Count);
    }

    [Fact]
    public async Task The_relay_marks_an_event_published_here_without_publishing_it_again()
    {
        await SubmitAsync();
        await ReserveAsync(Guid.NewGuid());

        Assert.Equal(0, await _app.Services.GetRequiredService<OutboxRelay>().RelayOnceAsync(Ct));

        Assert.All((await _app.Events.ReadAsync(_orderId, Ct))!.Events, s => Assert.True(s.Published));
        Assert.Equal(["OrderSubmitted", "StockReserved"], _app.Published.Select(p => p.Event.GetType().Name));
    }

    [Fact]
    public async Task An_order_stays_on_the_outbox_worklist_while_in_flight_and_leaves_it_once_settled_and_published()
    {
        var lists = _app.Services.GetRequiredService<IdLists>();
        await SubmitAsync();
        await ReserveAsync(Guid.NewGuid());
        Assert.Equal([_orderId], await lists.ReadAsync(IdLists.OutboxOf(_orderId), Ct));

        _app.FailPublishes = true;
        var cancelled = Guid.NewGuid();
        await _app.Events.AppendAsync(_orderId, cancelled, v => new OrderCancelled(cancelled, _orderId, v, "c1", "c1@example.com", DateTimeOffset.UtcNow, "test", false), Ct);
        Assert.Equal([_orderId], await lists.ReadAsync(IdLists.OutboxOf(_orderId), Ct)); // settled, not yet published: kept

        _app.FailPublishes = false;
        Assert.Equal(0, await _app.Services.GetRequiredService<OutboxRelay>().RelayOnceAsync(Ct));
        Assert.Empty(await lists.ReadAsync(IdLists.OutboxOf(_orderId), Ct));
        Assert.Equal(["OrderSubmitted", "StockReserved", "OrderCancelled"], _app.Published.Select(p => p.Event.GetType().Name));

        // A later event (a delivery after completion) lists the order again before it is stored.
        var late = Guid.NewGuid();
        _app.FailPublishes = true;
        await _app.Events.AppendAsync(_orderId, late, v => new OrderCancelled(late, _orderId, v, "c1", "c1@example.com", DateTimeOffset.UtcNow, "again", false), Ct);
        Assert.Equal([_orderId], await lists.ReadAsync(IdLists.OutboxOf(_orderId), Ct));
    }

    [Fact]
    public async Task Relay_republishes_what_a_failed_publish_left_behind_in_order_and_once()
    {
        _app.FailPublishes = true;
        await SubmitAsync();
        await ReserveAsync(Guid.NewGuid());
        Assert.Empty(_app.Published);
        Assert.All((await _app.Events.ReadAsync(_orderId, Ct))!.Events, s => Assert.False(s.Published));
        var relay = _app.Services.GetRequiredService<OutboxRelay>();
        Assert.Equal(1, await relay.RelayOnceAsync(Ct)); // the broker is still down: still pending

        _app.FailPublishes = false;
        Assert.Equal(0, await relay.RelayOnceAsync(Ct));
        Assert.Equal(["OrderSubmitted", "StockReserved"], _app.Published.Select(p => p.Event.GetType().Name));
        Assert.All((await _app.Events.ReadAsync(_orderId, Ct))!.Events, s => Assert.True(s.Published));

        Assert.Equal(0, await relay.RelayOnceAsync(Ct));
        Assert.Equal(2, _app.Published.Count);
    }

    [Fact]
    public async Task A_stored_event_round_trips_through_its_envelope()
    {
        await SubmitAsync();
        var decoded = Assert.IsType<OrderSubmitted>(Assert.Single((await _app.Events.ReadAsync(_orderId, Ct))!.Decoded()));
        Assert.Equal(("SKU-1", "4242", 1m), (decoded.Lines[0].Sku, decoded.CardLast4, decoded.Total));
    }
}
