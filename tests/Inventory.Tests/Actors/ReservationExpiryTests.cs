using ShopDapr.Inventory.Actors;
using ShopDapr.Inventory.Domain;

namespace ShopDapr.Inventory.Tests.Actors;

/// <summary>Unconfirmed reservations expire through the actor's reminder, registered while any reservation is held.</summary>
public sealed class ReservationExpiryTests
{
    private const string Sku = "XYZ-000042";
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(15);
    private readonly ActorWorld _world = new();

    private async Task<InventoryActor> StockedAsync(int onHand)
    {
        var actor = _world.Activate(Sku);
        await actor.SetOnHandAsync(onHand);
        return actor;
    }

    [Fact]
    public async Task The_first_reservation_registers_the_reminder_due_at_its_expiry()
    {
        var actor = await StockedAsync(10);
        Assert.False(_world.Reminders.IsRegistered(actor.Id, InventoryActor.ExpiryReminder));

        await actor.ReserveAsync(Guid.NewGuid(), 1, TimeSpan.Zero);
        var reminder = _world.Reminders.Get(actor.Id, InventoryActor.ExpiryReminder);
        Assert.NotNull(reminder);
        Assert.Equal(Ttl, reminder.DueTime);
        Assert.Equal(_world.Options.ExpiryCheckPeriod, reminder.Period);

        _world.Time.Advance(TimeSpan.FromMinutes(1));
        await actor.ReserveAsync(Guid.NewGuid(), 1, TimeSpan.Zero);
        Assert.Equal(1, _world.Reminders.Registrations);
    }

    [Fact]
    public async Task A_shorter_ttl_brings_the_reminder_forward()
    {
        var actor = await StockedAsync(10);
        await actor.ReserveAsync(Guid.NewGuid(), 1, TimeSpan.Zero);
        await actor.ReserveAsync(Guid.NewGuid(), 1, TimeSpan.FromMinutes(2));
        Assert.Equal(_world.Time.GetUtcNow() + TimeSpan.FromMinutes(2), _world.Reminders.NextDue(actor.Id, InventoryActor.ExpiryReminder));
    }

    [Fact]
    public async Task An_unconfirmed_reservation_is_released_when_it_expires_and_the_reminder_goes()
    {
        var actor = await StockedAsync(10);
        var order = Guid.NewGuid();
        await actor.ReserveAsync(order, 4, TimeSpan.Zero);

        await _world.AdvanceAsync(actor, Ttl - TimeSpan.FromSeconds(1));
        Assert.Equal(4, (await actor.GetLevelAsync()).Reserved);

        await _world.AdvanceAsync(actor, TimeSpan.FromSeconds(1));
        Assert.Equal(new StockSnapshot(Sku, 10, 0, 10), await actor.GetLevelAsync());
        Assert.False(_world.Reminders.IsRegistered(actor.Id, InventoryActor.ExpiryReminder));
        Assert.Equal((10, 0, 10), _world.Levels()[^1] is var l ? (l.OnHand, l.Reserved, l.Available) : default);
        Assert.Equal(ReserveStatus.Released, (await actor.ReserveAsync(order, 4, TimeSpan.Zero)).Status);
    }

    [Fact]
    public async Task The_reminder_keeps_firing_until_the_last_reservation_expires()
    {
        var actor = await StockedAsync(10);
        var early = Guid.NewGuid();
        var late = Guid.NewGuid();
        await actor.ReserveAsync(early, 2, TimeSpan.FromMinutes(1));
        await actor.ReserveAsync(late, 3, TimeSpan.FromMinutes(3));

        await _world.AdvanceAsync(actor, TimeSpan.FromMinutes(1));
        Assert.Equal(3, (await actor.GetLevelAsync()).Reserved);
        Assert.True(_world.Reminders.IsRegistered(actor.Id, InventoryActor.ExpiryReminder));

        await _world.AdvanceAsync(actor, TimeSpan.FromMinutes(2) + _world.Options.ExpiryCheckPeriod);
        Assert.Equal(0, (await actor.GetLevelAsync()).Reserved);
        Assert.False(_world.Reminders.IsRegistered(actor.Id, InventoryActor.ExpiryReminder));
    }

    [Fact]
    public async Task Confirming_or_releasing_the_last_reservation_unregisters_the_reminder()
    {
        var actor = await StockedAsync(10);
        var confirmed = Guid.NewGuid();
        var released = Guid.NewGuid();
        await actor.ReserveAsync(confirmed, 1, TimeSpan.Zero);
        await actor.ReserveAsync(released, 1, TimeSpan.Zero);

        await actor.ConfirmAsync(confirmed);
        Assert.True(_world.Reminders.IsRegistered(actor.Id, InventoryActor.ExpiryReminder));
        await actor.ReleaseAsync(released);
        Assert.False(_world.Reminders.IsRegistered(actor.Id, InventoryActor.ExpiryReminder));

        await actor.ReserveAsync(Guid.NewGuid(), 1, TimeSpan.Zero);
        Assert.True(_world.Reminders.IsRegistered(actor.Id, InventoryActor.ExpiryReminder));
    }

    [Fact]
    public async Task A_confirm_after_expiry_takes_the_stock_if_it_is_still_there()
    {
        var actor = await StockedAsync(10);
        var order = Guid.NewGuid();
        await actor.ReserveAsync(order, 4, TimeSpan.Zero);
        await _world.AdvanceAsync(actor, Ttl);

        Assert.Equal(ConfirmStatus.ConfirmedLate, await actor.ConfirmAsync(order));
        Assert.Equal(new StockSnapshot(Sku, 6, 0, 6), await actor.GetLevelAsync());
        Assert.Equal(ConfirmStatus.AlreadyConfirmed, await actor.ConfirmAsync(order));
    }

    [Fact]
    public async Task A_confirm_after_expiry_takes_nothing_when_the_stock_went_to_others()
    {
        var actor = await StockedAsync(5);
        var order = Guid.NewGuid();
        await actor.ReserveAsync(order, 4, TimeSpan.Zero);
        await _world.AdvanceAsync(actor, Ttl);
        await actor.ReserveAsync(Guid.NewGuid(), 3, TimeSpan.Zero);

        Assert.Equal(ConfirmStatus.ExpiredAndShort, await actor.ConfirmAsync(order));
        Assert.Equal(new StockSnapshot(Sku, 5, 3, 2), await actor.GetLevelAsync());
    }

    [Fact]
    public async Task Expiry_survives_deactivation()
    {
        var actor = await StockedAsync(10);
        await actor.ReserveAsync(Guid.NewGuid(), 4, TimeSpan.Zero);

        var reactivated = _world.Activate(Sku);
        await _world.AdvanceAsync(reactivated, Ttl);
        Assert.Equal(0, (await reactivated.GetLevelAsync()).Reserved);
        Assert.False(_world.Reminders.IsRegistered(reactivated.Id, InventoryActor.ExpiryReminder));
    }
}
