using NSubstitute;
using NSubstitute.ClearExtensions;
using ShopDapr.Contracts.Inventory;
using ShopDapr.Inventory.Actors;
using ShopDapr.Inventory.Domain;

namespace ShopDapr.Inventory.Tests.Actors;

/// <summary>InventoryActor through ActorHost.CreateForTest: reserve, confirm, release, idempotency, never negative, persistence.</summary>
public sealed class InventoryActorTests
{
    private const string Sku = "ABC-000001";
    private readonly ActorWorld _world = new();

    private async Task<InventoryActor> StockedAsync(int onHand)
    {
        var actor = _world.Activate(Sku);
        Assert.True((await actor.SetOnHandAsync(onHand)).Applied);
        return actor;
    }

    [Fact]
    public async Task An_unknown_sku_has_nothing_on_hand_and_reading_saves_nothing()
    {
        var state = new InMemoryActorStateManager();
        var level = await _world.Activate(Sku, state).GetLevelAsync();
        Assert.Equal(new StockSnapshot(Sku, 0, 0, 0), level);
        Assert.Equal(0, state.Saves);
        Assert.Empty(_world.Published());
    }

    [Fact]
    public async Task Reserve_holds_stock_and_confirm_takes_it_off_hand()
    {
        var actor = await StockedAsync(10);
        var order = Guid.NewGuid();

        var reserved = await actor.ReserveAsync(order, 4, TimeSpan.Zero);
        Assert.Equal(ReserveStatus.Reserved, reserved.Status);
        Assert.Equal(new StockSnapshot(Sku, 10, 4, 6), reserved.Level);

        Assert.Equal(ConfirmStatus.Confirmed, await actor.ConfirmAsync(order));
        Assert.Equal(new StockSnapshot(Sku, 6, 0, 6), await actor.GetLevelAsync());
    }

    [Fact]
    public async Task The_saved_book_stays_the_same_size_however_many_orders_the_sku_sells_and_repeats_still_answer_as_the_first_call()
    {
        var state = new InMemoryActorStateManager();
        var actor = _world.Activate(Sku, state);
        Assert.True((await actor.SetOnHandAsync(100_000)).Applied); // on hand keeps 5 digits: the size compares like for like
        var orders = Enumerable.Range(0, 300).Select(_ => Guid.NewGuid()).ToList();
        var sizes = new List<int>();
        foreach (var order in orders)
        {
            Assert.Equal(ReserveStatus.Reserved, (await actor.ReserveAsync(order, 1, TimeSpan.Zero)).Status);
            Assert.Equal(ConfirmStatus.Confirmed, await actor.ConfirmAsync(order));
            sizes.Add(state.Saved[InventoryActor.StateKey].Length);
        }

        Assert.Single(sizes.Distinct()); // the book after the 1st order and after the 300th
        Assert.Equal(300, state.Saved.Keys.Count(k => k.StartsWith(InventoryActor.SettledKeyPrefix, StringComparison.Ordinal)));
        var again = _world.Activate(Sku, new InMemoryActorStateManager(state.Saved)); // a fresh activation reads the settlement
        Assert.Equal(ReserveStatus.AlreadyConfirmed, (await again.ReserveAsync(orders[0], 1, TimeSpan.Zero)).Status);
        Assert.Equal(ConfirmStatus.AlreadyConfirmed, await again.ConfirmAsync(orders[^1]));
        Assert.Equal(new StockSnapshot(Sku, 99_700, 0, 99_700), await again.GetLevelAsync());
    }

    [Fact]
    public async Task Available_never_goes_below_zero()
    {
        var actor = await StockedAsync(10);
        Assert.Equal(ReserveStatus.Reserved, (await actor.ReserveAsync(Guid.NewGuid(), 7, TimeSpan.Zero)).Status);
        var refused = await actor.ReserveAsync(Guid.NewGuid(), 4, TimeSpan.Zero);
        Assert.Equal(ReserveStatus.Short, refused.Status);
        Assert.Equal(3, refused.Level.Available);
        Assert.Equal(ReserveStatus.Reserved, (await actor.ReserveAsync(Guid.NewGuid(), 3, TimeSpan.Zero)).Status);
        Assert.Equal(ReserveStatus.Short, (await actor.ReserveAsync(Guid.NewGuid(), 1, TimeSpan.Zero)).Status);
        Assert.Equal(new StockSnapshot(Sku, 10, 10, 0), await actor.GetLevelAsync());
    }

    [Fact]
    public async Task A_repeated_reserve_answers_as_the_first_and_holds_nothing_more()
    {
        var actor = await StockedAsync(10);
        var order = Guid.NewGuid();
        var first = await actor.ReserveAsync(order, 4, TimeSpan.Zero);
        var again = await actor.ReserveAsync(order, 4, TimeSpan.Zero);
        Assert.Equal(first, again);
        Assert.Equal(4, (await actor.GetLevelAsync()).Reserved);

        await actor.ConfirmAsync(order);
        Assert.Equal(ReserveStatus.AlreadyConfirmed, (await actor.ReserveAsync(order, 4, TimeSpan.Zero)).Status);
        Assert.Equal(new StockSnapshot(Sku, 6, 0, 6), await actor.GetLevelAsync());
    }

    [Fact]
    public async Task A_refused_order_stays_refused_after_a_restock()
    {
        var actor = await StockedAsync(2);
        var order = Guid.NewGuid();
        Assert.Equal(ReserveStatus.Short, (await actor.ReserveAsync(order, 5, TimeSpan.Zero)).Status);
        await actor.SetOnHandAsync(50);
        Assert.Equal(ReserveStatus.Short, (await actor.ReserveAsync(order, 5, TimeSpan.Zero)).Status);
        Assert.Equal(0, (await actor.GetLevelAsync()).Reserved);
    }

    [Fact]
    public async Task Confirm_and_release_are_idempotent_and_do_not_undo_each_other()
    {
        var actor = await StockedAsync(10);
        var confirmed = Guid.NewGuid();
        var released = Guid.NewGuid();
        await actor.ReserveAsync(confirmed, 3, TimeSpan.Zero);
        await actor.ReserveAsync(released, 2, TimeSpan.Zero);

        Assert.Equal(ConfirmStatus.Confirmed, await actor.ConfirmAsync(confirmed));
        Assert.Equal(ConfirmStatus.AlreadyConfirmed, await actor.ConfirmAsync(confirmed));
        Assert.False(await actor.ReleaseAsync(confirmed));
        Assert.True(await actor.ReleaseAsync(released));
        Assert.False(await actor.ReleaseAsync(released));
        Assert.Equal(ConfirmStatus.NothingToConfirm, await actor.ConfirmAsync(released));
        Assert.Equal(ReserveStatus.Released, (await actor.ReserveAsync(released, 2, TimeSpan.Zero)).Status);

        Assert.Equal(new StockSnapshot(Sku, 7, 0, 7), await actor.GetLevelAsync());
    }

    [Fact]
    public async Task A_release_that_overtakes_its_reserve_leaves_a_tombstone()
    {
        var actor = await StockedAsync(10);
        var order = Guid.NewGuid();
        Assert.False(await actor.ReleaseAsync(order));
        Assert.Equal(ConfirmStatus.NothingToConfirm, await actor.ConfirmAsync(Guid.NewGuid()));
        Assert.Equal(ReserveStatus.Released, (await actor.ReserveAsync(order, 1, TimeSpan.Zero)).Status);
        Assert.Equal(10, (await actor.GetLevelAsync()).Available);
    }

    [Fact]
    public async Task Stock_on_hand_cannot_be_set_below_what_is_reserved_and_a_refusal_saves_nothing()
    {
        var state = new InMemoryActorStateManager(_world.Store(Sku));
        var actor = _world.Activate(Sku, state);
        await actor.SetOnHandAsync(10);
        await actor.ReserveAsync(Guid.NewGuid(), 6, TimeSpan.Zero);
        var saved = state.Saved[InventoryActor.StateKey];
        var saves = state.Saves;

        var refused = await actor.SetOnHandAsync(5);
        Assert.False(refused.Applied);
        Assert.Equal(new StockSnapshot(Sku, 10, 6, 4), refused.Level);
        Assert.Equal(saves, state.Saves);
        Assert.Equal(saved, state.Saved[InventoryActor.StateKey]);

        Assert.True((await actor.SetOnHandAsync(6)).Applied);
        Assert.Equal(new StockSnapshot(Sku, 6, 6, 0), await actor.GetLevelAsync());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(InventoryOptions.MaxLineQuantity + 1)]
    public async Task A_quantity_out_of_range_is_refused_before_anything_changes(int quantity)
    {
        var actor = await StockedAsync(10);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => actor.ReserveAsync(Guid.NewGuid(), quantity, TimeSpan.Zero));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => actor.SetOnHandAsync(quantity < 0 ? quantity : InventoryOptions.MaxOnHand + 1));
        Assert.Equal(new StockSnapshot(Sku, 10, 0, 10), await actor.GetLevelAsync());
    }

    [Fact]
    public async Task The_state_survives_deactivation()
    {
        var order = Guid.NewGuid();
        var first = await StockedAsync(10);
        await first.ReserveAsync(order, 4, TimeSpan.Zero);

        var again = _world.Activate(Sku);
        Assert.Equal(new StockSnapshot(Sku, 10, 4, 6), await again.GetLevelAsync());
        Assert.Equal(ReserveStatus.Reserved, (await again.ReserveAsync(order, 4, TimeSpan.Zero)).Status);
        Assert.Equal(ConfirmStatus.Confirmed, await again.ConfirmAsync(order));
        Assert.Equal(ReserveStatus.AlreadyConfirmed, (await _world.Activate(Sku).ReserveAsync(order, 4, TimeSpan.Zero)).Status);
    }

    [Fact]
    public async Task Each_change_publishes_the_level_with_low_and_depleted_signals()
    {
        var actor = await StockedAsync(5);
        var order = Guid.NewGuid();
        await actor.ReserveAsync(order, 2, TimeSpan.Zero);   // available 3 = threshold: low
        await actor.ReserveAsync(order, 2, TimeSpan.Zero);   // repeat: no change, nothing published
        await actor.ReserveAsync(Guid.NewGuid(), 9, TimeSpan.Zero); // refused: no change
        await actor.ReserveAsync(Guid.NewGuid(), 3, TimeSpan.Zero); // available 0: depleted

        var published = _world.Published();
        Assert.All(published, p => Assert.Equal("inventory-events", p.Topic));
        Assert.All(published, p => Assert.Equal(p.Event.GetType().Name, p.Type));
        Assert.Equal(
            [nameof(StockLevelChanged), nameof(StockLevelChanged), nameof(StockLow), nameof(StockLevelChanged), nameof(StockDepleted)],
            published.Select(p => p.Type));
        Assert.Equal([(5, 0, 5), (5, 2, 3), (5, 5, 0)], _world.Levels().Select(l => (l.OnHand, l.Reserved, l.Available)));
        var low = Assert.Single(published.Select(p => p.Event).OfType<StockLow>());
        Assert.Equal((Sku, 3, 3), (low.Sku, low.Available, low.Threshold));
        Assert.Equal(_world.Time.GetUtcNow(), Assert.Single(published.Select(p => p.Event).OfType<StockDepleted>()).OccurredAt);
    }

    [Fact]
    public async Task A_confirmation_leaves_availability_as_it_was_and_publishes_nothing_while_a_release_publishes_the_level()
    {
        var actor = await StockedAsync(10);
        var (kept, dropped) = (Guid.NewGuid(), Guid.NewGuid());
        await actor.ReserveAsync(kept, 2, TimeSpan.Zero);
        await actor.ReserveAsync(dropped, 3, TimeSpan.Zero);
        var before = _world.Published().Count;

        Assert.Equal(ConfirmStatus.Confirmed, await actor.ConfirmAsync(kept));
        Assert.Equal(new StockSnapshot(Sku, 8, 3, 5), await actor.GetLevelAsync());
        Assert.Equal(before, _world.Published().Count);

        Assert.True(await actor.ReleaseAsync(dropped));
        var last = _world.Levels()[^1];
        Assert.Equal((8, 0, 8), (last.OnHand, last.Reserved, last.Available));
    }

    [Fact]
    public async Task A_failed_publish_keeps_the_change_and_the_next_change_publishes_the_level_again()
    {
        var state = new InMemoryActorStateManager(_world.Store(Sku));
        var actor = _world.Activate(Sku, state);
        await actor.SetOnHandAsync(10);
        _world.FailPublishing();

        var reserved = await actor.ReserveAsync(Guid.NewGuid(), 4, TimeSpan.Zero);
        Assert.Equal(ReserveStatus.Reserved, reserved.Status);
        Assert.Equal(4, (await _world.Activate(Sku).GetLevelAsync()).Reserved);

        _world.Dapr.ClearSubstitute();
        await actor.ReserveAsync(Guid.NewGuid(), 1, TimeSpan.Zero);
        var last = _world.Levels()[^1];
        Assert.Equal((10, 5, 5), (last.OnHand, last.Reserved, last.Available));
    }

    [Fact]
    public async Task A_level_the_broker_refused_stays_pending_and_the_announce_reminder_publishes_it_under_the_same_ids()
    {
        var state = new InMemoryActorStateManager(_world.Store(Sku));
        var actor = _world.Activate(Sku, state);
        await actor.SetOnHandAsync(10);
        _world.FailPublishing();

        await actor.ReserveAsync(Guid.NewGuid(), 4, TimeSpan.Zero);

        Assert.True(_world.Reminders.IsRegistered(actor.Id, InventoryActor.AnnounceReminder));
        var refusedIds = EventIds();
        _world.Dapr.ClearSubstitute(); // the broker is back
        await _world.Activate(Sku).ReceiveReminderAsync(InventoryActor.AnnounceReminder, [], InventoryActor.AnnounceRetry, InventoryActor.AnnounceRetry);

        var level = Assert.Single(_world.Levels());
        Assert.Equal((10, 4, 6), (level.OnHand, level.Reserved, level.Available));
        Assert.Contains(EventIds().Single(), refusedIds); // the retry is the same event as the refused one
        Assert.False(_world.Reminders.IsRegistered(actor.Id, InventoryActor.AnnounceReminder));

        _world.Dapr.ClearSubstitute();
        await _world.Activate(Sku).ReceiveReminderAsync(InventoryActor.AnnounceReminder, [], InventoryActor.AnnounceRetry, InventoryActor.AnnounceRetry);
        Assert.Empty(_world.Levels()); // nothing pending any more: a late reminder publishes nothing
    }

    private List<string?> EventIds() =>
        [.. _world.Dapr.ReceivedCalls().Where(c => c.GetMethodInfo().Name == nameof(global::Dapr.Client.DaprClient.PublishEventAsync))
            .Select(c => (c.GetArguments()[3] as IReadOnlyDictionary<string, string>)?.GetValueOrDefault("cloudevent.id"))];

    [Fact]
    public async Task A_failed_save_publishes_nothing()
    {
        var state = new InMemoryActorStateManager(_world.Store(Sku));
        var actor = _world.Activate(Sku, state);
        await actor.SetOnHandAsync(10);
        var published = _world.Published().Count;
        state.FailSaves = new InvalidOperationException("state store down");

        await Assert.ThrowsAsync<InvalidOperationException>(() => actor.ReserveAsync(Guid.NewGuid(), 4, TimeSpan.Zero));
        Assert.Equal(published, _world.Published().Count);
        Assert.Equal(0, (await _world.Activate(Sku).GetLevelAsync()).Reserved);
    }

    [Fact]
    public async Task An_admin_set_republishes_the_level_even_when_unchanged()
    {
        var actor = await StockedAsync(10);
        await actor.SetOnHandAsync(10);
        Assert.Equal(2, _world.Levels().Count);
    }
}
