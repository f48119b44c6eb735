using System.Text.Json;

using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>The body of <c>PUT /v1.0/actors/{type}/{id}/timers/{name}</c> (dapr <c>CreateTimerRequest</c>).</summary>
internal sealed record TimerRequest(string? DueTime, string? Period, string? Ttl, string? Callback, JsonElement? Data);

/// <summary>
/// An in-memory actor timer: fires <c>PUT actors/{type}/{id}/method/timer/{name}</c> with
/// <c>{callback, data, dueTime, period}</c> through the actor's turn lock, re-arms by its period, and ends with its
/// repetitions, its TTL, <see cref="Stop"/>, or the actor's deactivation.
/// </summary>
internal sealed partial class ActorTimer
{
    private readonly CancellationTokenSource _cts;

    private ActorTimer(CancellationToken stopping) => _cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);

    public void Stop()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The timer already ran out and released its token source: nothing left to stop.
        }
    }

    /// <summary>Parses the request (throws <see cref="DaprApiException"/> as daprd words it) and starts the timer, replacing one of the same name.</summary>
    public static ActorTimer Start(HostedActors host, ActiveActor actor, ReentrancyConfig reentrancy, string name, TimerRequest request,
        TimeProvider time, ILogger logger)
    {
        var now = time.GetUtcNow();
        var (first, period, expires) = ActorSchedule.ParseRequest(
            "timer", $"{actor.Key}||{name}", request.DueTime, request.Period, request.Ttl, now, ActorErrors.TimerCreate);

        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["callback"] = request.Callback ?? "",
            ["data"] = request.Data,
            ["dueTime"] = request.DueTime ?? "",
            ["period"] = request.Period ?? "",
        });
        var timer = new ActorTimer(host.Stopping);
        if (actor.Timers.TryGetValue(name, out var replaced))
            replaced.Stop();
        actor.Timers[name] = timer;
        _ = Task.Run(() => timer.RunAsync(host, actor, reentrancy, name, body, first, period, expires, time, logger), CancellationToken.None);
        return timer;
    }

    private async Task RunAsync(HostedActors host, ActiveActor actor, ReentrancyConfig reentrancy, string name, byte[] body,
        DateTimeOffset next, ActorPeriod period, DateTimeOffset? expires, TimeProvider time, ILogger logger)
    {
        var ct = _cts.Token;
        var left = period.Repeating ? period.Repeats : 1;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var wait = next - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, time, ct);
                if (expires is { } end && time.GetUtcNow() >= end)
                    break;
                try
                {
                    if (await host.InvokeOnAsync(actor, ActorCall.Callback($"timer/{name}", body), reentrancy, ct, keepsAlive: false) is null)
                        break;
                }
                catch (DaprApiException e)
                {
                    LogTimerFailed(logger, actor.Key.ToString(), name, e.Message);
                }
                catch (ActorMethodNotFoundException e)
                {
                    LogTimerFailed(logger, actor.Key.ToString(), name, e.Message);
                }
                catch (ActorAppUnreachableException e)
                {
                    LogTimerFailed(logger, actor.Key.ToString(), name, e.Message); // the app is gone; the actor moves with the next call
                }
                if (!period.Repeating || (left > 0 && --left == 0))
                    break;
                next = period.After(next);
                if (next < time.GetUtcNow())
                    next = time.GetUtcNow();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped: deleted, replaced, actor deactivated, or sidecar stopping.
        }
        finally
        {
            actor.Timers.TryRemove(new KeyValuePair<string, ActorTimer>(name, this));
            _cts.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timer {Timer} of actor {Actor} failed: {Error}")]
    private static partial void LogTimerFailed(ILogger logger, string actor, string timer, string error);
}
