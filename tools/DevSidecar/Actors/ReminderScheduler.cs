using System.Collections.Concurrent;
using System.Text.Json;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>
/// Fires due reminders of the actors placed on this sidecar: <c>PUT actors/{type}/{id}/method/remind/{name}</c> with
/// <c>{dueTime, period, data}</c> through the actor's turn lock, then re-arms by period or removes the reminder when
/// its repetitions or TTL run out (or the app answers <c>X-DaprReminderCancel</c>). The schedule lives in the state
/// store, so a restarted sidecar (or the replica an actor moved to) picks it up.
/// </summary>
internal sealed partial class ReminderScheduler(SidecarContext sidecar, HostedActors hosted, ActorPlacement placement, TimeProvider time,
    ILogger<ReminderScheduler> logger) : BackgroundService
{
    /// <summary>How often the store is checked for due reminders.</summary>
    internal static TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    private readonly ConcurrentDictionary<string, Task> _firing = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var config = await hosted.Config.WaitAsync(stoppingToken);
        if (config.Entities.Count == 0)
            return;
        using var ticks = new PeriodicTimer(PollInterval, time);
        while (await ticks.WaitForNextTickAsync(stoppingToken))
        {
            ReminderStore store;
            try
            {
                store = new ReminderStore(ActorStateStore.Get(sidecar));
            }
            catch (ActorApiException e)
            {
                LogNoStore(sidecar.AppId, e.Message);
                return;
            }
            foreach (var type in config.Entities)
            {
                try
                {
                    await FireDueAsync(store, type, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogScanFailed(type, e);
                }
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await Task.WhenAll(_firing.Values).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task FireDueAsync(ReminderStore store, string type, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var reminder in await store.ListAsync(type, ct))
        {
            var actor = new ActorKey(type, reminder.ActorId);
            var id = $"{actor}||{reminder.Name}";
            if (reminder.NextDue > now || _firing.ContainsKey(id) || !placement.IsLocal(actor))
                continue;
            _firing[id] = Task.Run(async () =>
            {
                try
                {
                    await FireAsync(store, actor, reminder, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFireFailed(id, e);
                }
                finally
                {
                    _firing.TryRemove(id, out _);
                }
            }, CancellationToken.None);
        }
    }

    private async Task FireAsync(ReminderStore store, ActorKey actor, StoredReminder reminder, CancellationToken ct)
    {
        var cancelled = false;
        if (reminder.ExpiresAt is not { } end || time.GetUtcNow() < end)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
            {
                ["dueTime"] = reminder.DueTime,
                ["period"] = reminder.Period,
                ["data"] = reminder.Data,
            });
            try
            {
                var result = await hosted.InvokeAsync(actor, ActorCall.Callback($"remind/{reminder.Name}", body), ct);
                cancelled = result.Headers.Any(h => string.Equals(h.Key, ActorCallResult.ReminderCancelHeader, StringComparison.OrdinalIgnoreCase)
                    && h.Value.Any(v => bool.TryParse(v, out var b) && b));
            }
            catch (ActorApiException e)
            {
                LogCallbackFailed($"{actor}||{reminder.Name}", e.Message);
            }
        }

        var period = ActorSchedule.ParsePeriod(reminder.Period);
        var left = reminder.RepeatsLeft > 0 ? reminder.RepeatsLeft - 1 : reminder.RepeatsLeft;
        var next = period.After(reminder.NextDue);
        if (next <= time.GetUtcNow())
            next = period.After(time.GetUtcNow());
        var done = cancelled || !period.Repeating || left == 0 || (reminder.ExpiresAt is { } expires && next >= expires);
        await store.UpdateAsync(actor.Type, list =>
        {
            var index = list.FindIndex(r => r.RegistrationId == reminder.RegistrationId);
            if (index < 0)
                return false; // deleted or re-registered while it fired: the newer registration wins
            if (done)
                list.RemoveAt(index);
            else
                list[index] = list[index] with { NextDue = next, RepeatsLeft = left };
            return true;
        }, ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId} hosts actors but no state store is marked actorStateStore: reminders are off ({Reason})")]
    private partial void LogNoStore(string appId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading the reminders of actor type {Type} failed")]
    private partial void LogScanFailed(string type, Exception e);

    [LoggerMessage(Level = LogLevel.Error, Message = "Firing reminder {Reminder} failed")]
    private partial void LogFireFailed(string reminder, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reminder {Reminder} callback failed: {Error}")]
    private partial void LogCallbackFailed(string reminder, string error);
}
