using System.Collections.Concurrent;
using System.Text.Json;
using ShopDapr.DevSidecar.Hosting;

using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>
/// Fires due reminders of the actors placed on this sidecar: <c>PUT actors/{type}/{id}/method/remind/{name}</c> with
/// <c>{dueTime, period, data}</c> through the actor's turn lock (a failed delivery retried as daprd's scheduler does), then re-arms by period or removes the reminder when
/// its repetitions or TTL run out (or the app answers <c>X-DaprReminderCancel</c>). The schedule lives in the state
/// store, so a restarted sidecar (or the replica an actor moved to) picks it up.
/// </summary>
internal sealed partial class ReminderScheduler(SidecarContext sidecar, HostedActors hosted, ActorPlacement placement, TimeProvider time,
    ILogger<ReminderScheduler> logger) : BackgroundService
{
    /// <summary>How often the store is checked for new or changed reminders (a known one is fired at its due time).</summary>
    internal static TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan MinDelay = TimeSpan.FromMilliseconds(10);

    private readonly ConcurrentDictionary<string, Task> _firing = new(StringComparer.Ordinal);
    private volatile TaskCompletionSource _rescan = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Looks at the store again now: a reminder was registered, removed, or re-armed after firing.</summary>
    public void Rescan() => _rescan.TrySetResult();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var config = await hosted.Config.WaitAsync(stoppingToken);
        if (config.Entities.Count == 0)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            ReminderStore store;
            try
            {
                store = new ReminderStore(ActorStateStore.Get(sidecar));
            }
            catch (DaprApiException e)
            {
                LogNoStore(sidecar.AppId, e.Message);
                return;
            }
            var wake = time.GetUtcNow() + PollInterval;
            foreach (var type in config.Entities)
            {
                try
                {
                    var next = await FireDueAsync(store, type, stoppingToken);
                    if (next < wake)
                        wake = next;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogScanFailed(type, e);
                }
            }
            var delay = wake - time.GetUtcNow();
            var rescan = _rescan.Task;
            await Task.WhenAny(Task.Delay(delay < MinDelay ? MinDelay : delay, time, stoppingToken), rescan);
            if (rescan.IsCompleted)
                _rescan = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await Task.WhenAll(_firing.Values).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Starts every due reminder of the type placed here; returns when the next one of them falls due.</summary>
    private async Task<DateTimeOffset> FireDueAsync(ReminderStore store, string type, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var next = DateTimeOffset.MaxValue;
        foreach (var reminder in await store.ListAsync(type, ct))
        {
            var actor = new ActorKey(type, reminder.ActorId);
            var id = $"{actor}||{reminder.Name}";
            if (_firing.ContainsKey(id) || !placement.IsLocal(actor))
                continue;
            if (reminder.NextDue > now)
            {
                next = reminder.NextDue < next ? reminder.NextDue : next;
                continue;
            }
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
                    Rescan();
                }
            }, CancellationToken.None);
        }
        return next;
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
            var outcome = await DeliverAsync(store, actor, reminder, body, ct);
            if (outcome == Delivery.Elsewhere)
                return; // moved or removed meanwhile: its new owner (or nobody) fires it
            cancelled = outcome == Delivery.Cancelled;
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

    private enum Delivery { Delivered, Cancelled, GaveUp, Elsewhere }

    /// <summary>
    /// Calls the reminder's callback. A failed delivery (an error status, an actor error, no answer) is retried as daprd's
    /// scheduler retries a reminder job registered without a failure policy (go-etcd-cron's default: constant
    /// <see cref="DeliveryRetryInterval"/>, <see cref="DeliveryRetries"/> retries); after that this firing is given up and
    /// the schedule goes on. Retrying stops when the actor moved to another replica or the reminder was removed.
    /// </summary>
    private async Task<Delivery> DeliverAsync(ReminderStore store, ActorKey actor, StoredReminder reminder, byte[] body, CancellationToken ct)
    {
        var id = $"{actor}||{reminder.Name}";
        for (var attempt = 1; ; attempt++)
        {
            string error;
            try
            {
                var result = await hosted.InvokeAsync(actor, ActorCall.Callback($"remind/{reminder.Name}", body), ct);
                if (!result.Has(ActorCallResult.ErrorResponseHeader))
                {
                    var cancel = result.Headers.Any(h => string.Equals(h.Key, ActorCallResult.ReminderCancelHeader, StringComparison.OrdinalIgnoreCase)
                        && h.Value.Any(v => bool.TryParse(v, out var b) && b));
                    return cancel ? Delivery.Cancelled : Delivery.Delivered;
                }
                error = $"the actor failed: {System.Text.Encoding.UTF8.GetString(result.Body)}";
            }
            catch (DaprApiException e)
            {
                error = e.Message;
            }
            catch (ActorPlacementException e)
            {
                error = e.Message;
            }
            catch (ActorMethodNotFoundException e)
            {
                error = e.Message;
            }
            catch (ActorAppUnreachableException e)
            {
                error = e.Message; // the app is gone: placement moves the actor, and the check below hands the reminder over
            }
            if (attempt > DeliveryRetries)
            {
                LogCallbackGaveUp(id, attempt, error);
                return Delivery.GaveUp;
            }
            LogCallbackFailed(id, attempt, error, DeliveryRetryInterval);
            await Task.Delay(DeliveryRetryInterval, time, ct);
            if (!placement.IsLocal(actor) || !(await store.ListAsync(actor.Type, ct)).Any(r => r.RegistrationId == reminder.RegistrationId))
                return Delivery.Elsewhere;
        }
    }

    /// <summary>go-etcd-cron's default failure policy for a job scheduled without one: retry every second, three times.</summary>
    internal static TimeSpan DeliveryRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    internal const int DeliveryRetries = 3;

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId} hosts actors but no state store is marked actorStateStore: reminders are off ({Reason})")]
    private partial void LogNoStore(string appId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading the reminders of actor type {Type} failed")]
    private partial void LogScanFailed(string type, Exception e);

    [LoggerMessage(Level = LogLevel.Error, Message = "Firing reminder {Reminder} failed")]
    private partial void LogFireFailed(string reminder, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reminder {Reminder}: delivery {Attempt} failed ({Error}); retrying in {Delay}")]
    private partial void LogCallbackFailed(string reminder, int attempt, string error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reminder {Reminder}: delivery failed {Attempts} times ({Error}); this firing is given up")]
    private partial void LogCallbackGaveUp(string reminder, int attempts, string error);
}
