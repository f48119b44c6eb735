using System.Text;
using Dapr.Actors;
using Dapr.Actors.Runtime;

namespace ShopDapr.DevSidecar.Tests.Actors;

public interface ICounterActor : IActor
{
    Task<int> Increment();

    Task<string> WhereAmI();

    Task Fail(string message);
}

/// <summary>Increments with a read, a pause and a write: only a turn lock keeps 100 parallel calls from losing updates.</summary>
public sealed class CounterActor(ActorHost host, ActorProbe probe) : Actor(host), ICounterActor
{
    public async Task<int> Increment()
    {
        using var turn = probe.Enter(Id.GetId());
        var n = await StateManager.GetOrAddStateAsync("count", 0);
        await Task.Delay(2);
        await StateManager.SetStateAsync("count", n + 1);
        return n + 1;
    }

    public Task<string> WhereAmI() => Task.FromResult(probe.Replica);

    public Task Fail(string message) => throw new InvalidOperationException(message);

    protected override Task OnDeactivateAsync()
    {
        probe.Deactivations.Enqueue((Id.GetId(), DateTimeOffset.UtcNow));
        return Task.CompletedTask;
    }
}

public interface IPingActor : IActor
{
    /// <summary>Calls actor <paramref name="otherId"/>, which calls this actor back: A → B → A.</summary>
    Task<string> CallThrough(string otherId, int timeoutMs);

    Task<string> Bounce(string backId, int timeoutMs);

    Task<string> Echo();
}

public sealed class PingActor(ActorHost host) : Actor(host), IPingActor
{
    public Task<string> CallThrough(string otherId, int timeoutMs) =>
        ProxyFactory.CreateActorProxy<IPingActor>(new ActorId(otherId), nameof(PingActor)).Bounce(Id.GetId(), timeoutMs);

    public async Task<string> Bounce(string backId, int timeoutMs)
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        try
        {
            return await ProxyFactory.Create(new ActorId(backId), nameof(PingActor)).InvokeMethodAsync<string>(nameof(Echo), timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return "timed out";
        }
    }

    public Task<string> Echo() => Task.FromResult($"echo from {Id.GetId()}");
}

public interface ITimerActor : IActor
{
    Task StartTicking(int periodMs);

    Task StopTicking();
}

public sealed class TimerActor(ActorHost host, ActorProbe probe) : Actor(host), ITimerActor
{
    public Task StartTicking(int periodMs) =>
        RegisterTimerAsync("tick", nameof(OnTick), Encoding.UTF8.GetBytes("payload"), TimeSpan.FromMilliseconds(periodMs), TimeSpan.FromMilliseconds(periodMs));

    public Task StopTicking() => UnregisterTimerAsync("tick");

    public Task OnTick(byte[] data)
    {
        probe.TimerTicks.Enqueue((Id.GetId(), Encoding.UTF8.GetString(data), DateTimeOffset.UtcNow));
        return Task.CompletedTask;
    }

    protected override Task OnDeactivateAsync()
    {
        probe.Deactivations.Enqueue((Id.GetId(), DateTimeOffset.UtcNow));
        return Task.CompletedTask;
    }
}

public interface IReminderActor : IActor
{
    Task Remind(string name, string data, TimeSpan dueTime, TimeSpan period, int repetitions);

    Task RemindOnce(string name, string data, TimeSpan dueTime);

    Task Forget(string name);
}

public sealed class ReminderActor(ActorHost host, ActorProbe probe) : Actor(host), IReminderActor, IRemindable
{
    public Task Remind(string name, string data, TimeSpan dueTime, TimeSpan period, int repetitions) =>
        RegisterReminderAsync(name, Encoding.UTF8.GetBytes(data), dueTime, period, repetitions);

    public Task RemindOnce(string name, string data, TimeSpan dueTime) =>
        RegisterReminderAsync(name, Encoding.UTF8.GetBytes(data), dueTime, Timeout.InfiniteTimeSpan);

    public Task Forget(string name) => UnregisterReminderAsync(name);

    /// <summary>Records every delivery; with data <c>fail:N</c> the first N deliveries of the reminder throw.</summary>
    public Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        var data = Encoding.UTF8.GetString(state);
        probe.Reminders.Enqueue((Id.GetId(), reminderName, data, DateTimeOffset.UtcNow));
        var delivered = probe.Reminders.Count(r => r.ActorId == Id.GetId() && r.Reminder == reminderName);
        if (data.StartsWith("fail:", StringComparison.Ordinal) && delivered <= int.Parse(data["fail:".Length..], System.Globalization.CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"reminder delivery {delivered} failed on purpose");
        return Task.CompletedTask;
    }
}
