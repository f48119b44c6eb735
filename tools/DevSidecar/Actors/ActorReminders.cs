using System.Text.Json;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>The body of <c>PUT /v1.0/actors/{type}/{id}/reminders/{name}</c> (dapr <c>CreateReminderRequest</c>).</summary>
internal sealed record ReminderRequest(string? DueTime, string? Period, string? Ttl, JsonElement? Data);

/// <summary>
/// Register, read and remove reminders (dapr <c>pkg/actors/reminders</c>): only on a sidecar whose app hosts the type,
/// persisted in the actor state store. <see cref="ReminderScheduler"/> fires them.
/// </summary>
internal sealed class ActorReminders(SidecarContext sidecar, HostedActors hosted, ReminderScheduler scheduler, TimeProvider time)
{
    public async Task CreateAsync(ActorKey actor, string name, ReminderRequest request, CancellationToken cancellationToken)
    {
        var store = await StoreForAsync(actor.Type, cancellationToken);
        var now = time.GetUtcNow();
        var key = $"{actor}||{name}";
        var (first, period, expires) = ActorSchedule.ParseRequest(
            "reminder", key, request.DueTime, request.Period, request.Ttl, now, ActorErrors.ReminderCreate);

        var reminder = new StoredReminder(name, actor.Id, request.DueTime ?? "", request.Period ?? "", request.Ttl ?? "",
            request.Data is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } d ? d : null,
            Guid.NewGuid().ToString("N"), first, period.Repeating ? period.Repeats : 1, expires);
        await store.UpdateAsync(actor.Type, list =>
        {
            list.RemoveAll(r => r.ActorId == actor.Id && r.Name == name);
            list.Add(reminder);
            return true;
        }, cancellationToken);
        scheduler.Rescan();
    }

    /// <summary>The reminder as daprd's GET answers it, or ERR_ACTOR_REMINDER_NOT_FOUND.</summary>
    public async Task<object> GetAsync(ActorKey actor, string name, CancellationToken cancellationToken)
    {
        var store = await StoreForAsync(actor.Type, cancellationToken);
        var reminder = (await store.ListAsync(actor.Type, cancellationToken)).FirstOrDefault(r => r.ActorId == actor.Id && r.Name == name)
            ?? throw ActorErrors.ReminderNotFound(name);
        var body = new Dictionary<string, object?> { ["actorID"] = actor.Id, ["actorType"] = actor.Type };
        if (reminder.Data is { } data)
            body["data"] = data;
        if (reminder.DueTime.Length > 0)
            body["dueTime"] = reminder.DueTime;
        if (reminder.Period.Length > 0)
            body["period"] = reminder.Period;
        if (reminder.Ttl.Length > 0)
            body["ttl"] = reminder.Ttl;
        return body;
    }

    public async Task DeleteAsync(ActorKey actor, string name, CancellationToken cancellationToken)
    {
        var store = await StoreForAsync(actor.Type, cancellationToken);
        await store.UpdateAsync(actor.Type, list => list.RemoveAll(r => r.ActorId == actor.Id && r.Name == name) > 0, cancellationToken);
    }

    private async Task<ReminderStore> StoreForAsync(string actorType, CancellationToken cancellationToken)
    {
        var config = await hosted.Config.WaitAsync(cancellationToken);
        if (!config.Hosts(actorType))
            throw ActorErrors.ReminderNotHosted();
        return new ReminderStore(ActorStateStore.Get(sidecar));
    }
}
