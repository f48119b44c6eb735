using System.Collections.Concurrent;
using Dapr.Actors;
using Dapr.Actors.Runtime;

namespace ShopDapr.Inventory.Tests.Actors;

/// <summary>Reminders as the sidecar keeps them: registered per (actor, name), each next due at a time the test clock reaches.</summary>
public sealed class FakeTimerManager(TimeProvider time) : ActorTimerManager
{
    private readonly ConcurrentDictionary<(string ActorId, string Name), (ActorReminder Reminder, DateTimeOffset? NextDue)> _reminders = new();

    public int Registrations { get; private set; }

    public bool IsRegistered(ActorId actorId, string name) => _reminders.ContainsKey((actorId.GetId(), name));

    public DateTimeOffset? NextDue(ActorId actorId, string name) =>
        _reminders.TryGetValue((actorId.GetId(), name), out var r) ? r.NextDue : null;

    public ActorReminder? Get(ActorId actorId, string name) =>
        _reminders.TryGetValue((actorId.GetId(), name), out var r) ? r.Reminder : null;

    /// <summary>The reminder fired at <paramref name="at"/>: next due one period later (none without a period).</summary>
    public void Fired(ActorId actorId, string name, DateTimeOffset at)
    {
        if (_reminders.TryGetValue((actorId.GetId(), name), out var r))
            _reminders[(actorId.GetId(), name)] = (r.Reminder, r.Reminder.Period > TimeSpan.Zero ? at + r.Reminder.Period : null);
    }

    public override Task RegisterReminderAsync(ActorReminder reminder)
    {
        _reminders[(reminder.ActorId.GetId(), reminder.Name)] = (reminder, time.GetUtcNow() + reminder.DueTime);
        Registrations++;
        return Task.CompletedTask;
    }

    public override Task UnregisterReminderAsync(ActorReminderToken reminder)
    {
        _reminders.TryRemove((reminder.ActorId.GetId(), reminder.Name), out _);
        return Task.CompletedTask;
    }

    public override Task<IActorReminder> GetReminderAsync(ActorReminderToken reminder) =>
        Task.FromResult<IActorReminder>(_reminders.TryGetValue((reminder.ActorId.GetId(), reminder.Name), out var r) ? r.Reminder : null!);

    public override Task RegisterTimerAsync(ActorTimer timer) => throw new NotSupportedException("InventoryActor uses no timers.");

    public override Task UnregisterTimerAsync(ActorTimerToken timer) => throw new NotSupportedException("InventoryActor uses no timers.");
}
