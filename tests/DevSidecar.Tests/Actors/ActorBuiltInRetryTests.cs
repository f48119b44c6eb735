using System.Diagnostics;
using System.Net;

namespace ShopDapr.DevSidecar.Tests.Actors;

/// <summary>
/// daprd's retries that need no Resiliency file: a reminder whose callback fails is delivered again as the scheduler's
/// default job failure policy does (every second, three retries), and a call that finds no host for its actor is retried
/// as <c>DaprBuiltInActorNotFoundRetries</c> does (every second, five retries).
/// </summary>
public sealed class ActorBuiltInRetryTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_reminder_that_fails_twice_is_delivered_again_a_second_apart_and_succeeds_the_third_time()
    {
        await using var cluster = new ActorCluster();
        var (host, app) = await cluster.StartHostAsync("reminder-app", "r1");
        var actor = ActorCluster.Proxy<IReminderActor>(host, nameof(ReminderActor), "flaky");
        using var http = ActorCluster.Http(host);

        // A one-shot reminder: only the delivery retries can explain a second or third firing. It is removed once delivered.
        await actor.RemindOnce("nudge", "fail:2", TimeSpan.FromMilliseconds(100));
        await Eventually.TrueAsync(async () => !await ExistsAsync(http, "flaky", "nudge"), Deadline, "the reminder delivered and removed");

        var deliveries = app.Probe.Reminders.ToArray();
        Assert.Equal(3, deliveries.Length);
        for (var i = 1; i < deliveries.Length; i++)
            Assert.InRange(deliveries[i].At - deliveries[i - 1].At, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_reminder_that_keeps_failing_is_given_up_after_three_retries()
    {
        await using var cluster = new ActorCluster();
        var (host, app) = await cluster.StartHostAsync("reminder-app", "r1");
        var actor = ActorCluster.Proxy<IReminderActor>(host, nameof(ReminderActor), "broken");
        using var http = ActorCluster.Http(host);

        await actor.RemindOnce("nudge", "fail:1000", TimeSpan.FromMilliseconds(100));
        // A one-shot reminder is removed once its firing is over, delivered or given up.
        await Eventually.TrueAsync(async () => !await ExistsAsync(http, "broken", "nudge"), Deadline, "the one-shot reminder removed");

        Assert.Equal(4, app.Probe.Reminders.Count);
    }

    [Fact]
    public async Task A_call_to_an_actor_whose_host_is_not_up_yet_is_retried_until_the_host_is_there()
    {
        await using var cluster = new ActorCluster();
        var caller = await cluster.StartCallerAsync();
        var counter = ActorCluster.Proxy<ICounterActor>(caller, nameof(CounterActor), "late");

        var call = counter.Increment();
        await cluster.StartHostAsync("counter-app", "late-host");

        Assert.Equal(1, await call.WaitAsync(Deadline, Ct));
    }

    [Fact]
    public async Task A_call_to_an_actor_type_no_app_hosts_fails_after_five_retries_a_second_apart()
    {
        await using var cluster = new ActorCluster();
        var caller = await cluster.StartCallerAsync();
        using var http = ActorCluster.Http(caller);
        var watch = Stopwatch.StartNew();

        using var response = await http.PutAsync("v1.0/actors/Nobody/1/method/Go", new StringContent("{}"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ERR_ACTOR_NO_ADDRESS", await ActorInvocationTests.ErrorCode(response));
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(4.5), $"gave up after {watch.Elapsed}, before five retries a second apart");
    }

    private static async Task<bool> ExistsAsync(HttpClient http, string actorId, string name)
    {
        using var response = await http.GetAsync($"v1.0/actors/ReminderActor/{actorId}/reminders/{name}", Ct);
        return response.StatusCode != HttpStatusCode.NotFound;
    }
}
