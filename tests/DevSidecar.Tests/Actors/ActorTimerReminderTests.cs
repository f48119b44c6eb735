using System.Net;
using Dapr.Actors.Runtime;

namespace ShopDapr.DevSidecar.Tests.Actors;

public sealed class ActorTimerReminderTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_timer_fires_its_callback_with_its_data_until_unregistered()
    {
        await using var cluster = new ActorCluster();
        var (_, app) = await cluster.StartHostAsync("timer-app", "r1");
        var caller = await cluster.StartCallerAsync();
        var actor = ActorCluster.Proxy<ITimerActor>(caller, nameof(TimerActor), "t1");

        await actor.StartTicking(100);
        await Eventually.TrueAsync(() => app.Probe.TimerTicks.Count >= 3, Deadline, "three timer ticks");
        await actor.StopTicking();
        var afterStop = app.Probe.TimerTicks.Count;
        await actor.StartTicking(60_000); // a turn after the stop: every tick already running has ended
        var settled = app.Probe.TimerTicks.Count;

        Assert.All(app.Probe.TimerTicks, t => Assert.Equal(("t1", "payload"), (t.ActorId, t.Callback)));
        Assert.InRange(settled - afterStop, 0, 1);
    }

    [Fact]
    public async Task A_reminder_with_period_and_repetitions_fires_that_many_times_on_schedule_then_is_gone()
    {
        await using var cluster = new ActorCluster();
        var (host, app) = await cluster.StartHostAsync("reminder-app", "r1");
        var caller = await cluster.StartCallerAsync();
        var actor = ActorCluster.Proxy<IReminderActor>(caller, nameof(ReminderActor), "r");

        var registered = DateTimeOffset.UtcNow;
        await actor.Remind("ping", "hello", TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), 3);
        await Eventually.TrueAsync(() => app.Probe.Reminders.Count >= 3, Deadline, "three reminder firings");
        using var http = ActorCluster.Http(host);
        await Eventually.TrueAsync(() => ReminderGone(http), Deadline, "the reminder removed after its last repetition");

        var fired = app.Probe.Reminders.ToArray();
        Assert.Equal(3, fired.Length);
        Assert.All(fired, f => Assert.Equal(("r", "ping", "hello"), (f.ActorId, f.Reminder, f.Data)));
        // Firings keep the cadence of the registration: due time, then one period after another. None comes early; how
        // late one comes depends only on the machine's load (a loaded CI runner has delayed the first by seconds), so
        // lateness is not asserted.
        for (var i = 0; i < fired.Length; i++)
        {
            var expected = TimeSpan.FromMilliseconds(500) + TimeSpan.FromSeconds(i);
            Assert.True(fired[i].At - registered >= expected - TimeSpan.FromMilliseconds(20),
                $"firing {i + 1} came {(fired[i].At - registered).TotalMilliseconds:F0} ms after registering, before its time ({expected.TotalMilliseconds:F0} ms)");
        }
    }

    [Fact]
    public async Task A_reminder_survives_a_restart_of_its_sidecar_over_the_same_in_memory_store()
    {
        await using var cluster = new ActorCluster();
        var (host, app) = await cluster.StartHostAsync("reminder-app", "before");
        var caller = await cluster.StartCallerAsync();
        await ActorCluster.Proxy<IReminderActor>(caller, nameof(ReminderActor), "durable").RemindOnce("wake", "later", TimeSpan.FromSeconds(2));

        await cluster.StopAsync(host, app);
        var (_, restarted) = await cluster.StartHostAsync("reminder-app", "after");

        await Eventually.TrueAsync(() => !restarted.Probe.Reminders.IsEmpty, Deadline, "the reminder firing after the restart");
        Assert.Empty(app.Probe.Reminders);
        Assert.Equal(("durable", "wake", "later"), restarted.Probe.Reminders.Select(r => (r.ActorId, r.Reminder, r.Data)).Single());
    }

    [Theory]
    [MemberData(nameof(State.StateStores.DurableKinds), MemberType = typeof(State.StateStores))]
    public async Task A_reminder_survives_a_restart_of_the_whole_process_over_the_same_durable_store(string store)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("statestore.yaml"), State.StateStores.Component("statestore", store, dir, ("actorStateStore", "true")));

        await using (var before = new ActorCluster(dir))
        {
            var (host, _) = await before.StartHostAsync("reminder-app", "before");
            await ActorCluster.Proxy<IReminderActor>(host, nameof(ReminderActor), "durable").RemindOnce("wake", "later", TimeSpan.FromSeconds(2));
        }
        await using var after = new ActorCluster(dir);
        var (_, restarted) = await after.StartHostAsync("reminder-app", "after");

        await Eventually.TrueAsync(() => !restarted.Probe.Reminders.IsEmpty, Deadline, "the reminder firing after the restart");
        Assert.Equal(("durable", "wake", "later"), restarted.Probe.Reminders.Select(r => (r.ActorId, r.Reminder, r.Data)).Single());
    }

    [Fact]
    public async Task Unregistered_reminder_reads_as_ERR_ACTOR_REMINDER_NOT_FOUND_and_never_fires()
    {
        await using var cluster = new ActorCluster();
        var (host, app) = await cluster.StartHostAsync("reminder-app", "r1");
        var actor = ActorCluster.Proxy<IReminderActor>(host, nameof(ReminderActor), "f");

        await actor.RemindOnce("soon", "x", TimeSpan.FromSeconds(4));
        using var http = ActorCluster.Http(host);
        using (var before = await http.GetAsync("v1.0/actors/ReminderActor/f/reminders/soon", TestContext.Current.CancellationToken))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        await actor.Forget("soon");
        await actor.RemindOnce("marker", "m", TimeSpan.FromSeconds(4.5)); // due after "soon" would have been

        await Eventually.TrueAsync(() => !app.Probe.Reminders.IsEmpty, Deadline, "the marker reminder");
        Assert.Equal("marker", app.Probe.Reminders.Single().Reminder);
        using var after = await http.GetAsync("v1.0/actors/ReminderActor/f/reminders/soon", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        Assert.Equal("ERR_ACTOR_REMINDER_NOT_FOUND", await ActorInvocationTests.ErrorCode(after));
    }

    private static async Task<bool> ReminderGone(HttpClient http)
    {
        using var response = await http.GetAsync("v1.0/actors/ReminderActor/r/reminders/ping", TestContext.Current.CancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound;
    }
}
