using System.Collections.Concurrent;
using System.Net;
using System.Text;
using ShopDapr.DevSidecar.PubSub;
using ShopDapr.DevSidecar.Tests.Resiliency;

namespace ShopDapr.DevSidecar.Tests.PubSub;

/// <summary>The in-memory broker's queues are bounded: a subscriber that falls behind slows its publishers, it never grows memory.</summary>
public sealed class BoundedQueueTests
{
    private static async Task<(TestSidecar Sidecar, InMemoryPubSub PubSub)> StartAsync(int capacity, string publishTimeout)
    {
        var sidecar = await TestSidecar.StartAsync(new Dictionary<string, string>
        {
            ["pubsub.yaml"] = Yaml.Component("pubsub", "pubsub.in-memory", ("queueCapacity", $"{capacity}"), ("publishTimeout", publishTimeout)),
        });
        Assert.True(sidecar.Sidecar.Context.Components.TryGet<IPubSub>("pubsub", out var pubsub));
        return (sidecar, (InMemoryPubSub)pubsub);
    }

    private static PubSubMessage Message(int n) =>
        new("orders", Encoding.UTF8.GetBytes($"{n}"), new Dictionary<string, string>());

    [Fact]
    public async Task A_slow_subscriber_holds_publishers_back_the_queue_stays_within_its_bound_and_no_event_is_lost()
    {
        const int Capacity = 5, Published = 100;
        var (sidecar, pubsub) = await StartAsync(Capacity, "60s");
        await using var _ = sidecar;
        var slow = new SemaphoreSlim(0);
        var entered = 0;
        var received = new ConcurrentBag<string>();
        using var membership = pubsub.Subscribe("orders", "slow-app", async (message, ct) =>
        {
            Interlocked.Increment(ref entered);
            await slow.WaitAsync(ct);
            received.Add(Encoding.UTF8.GetString(message.Data.Span));
        });
        var maxQueued = 0;
        void Sample() => InterlockedMax(ref maxQueued, pubsub.Queued("orders", "slow-app"));

        int started = 0, published = 0;
        var publishes = Enumerable.Range(1, Published).Select(n => Task.Run(async () =>
        {
            Interlocked.Increment(ref started);
            await pubsub.PublishAsync(Message(n), TestContext.Current.CancellationToken);
            Interlocked.Increment(ref published);
            Sample();
        })).ToList();
        // Every publisher has called publish, every worker holds a message and the queue is full: exactly the workers'
        // and the queue's worth of publishes returned, the rest wait. (Awaited as one condition: on a busy machine the
        // publishes that were let through return some time after the queue filled.) An unbounded queue lets all 100 return.
        const int LetThrough = InMemoryPubSub.DefaultConcurrency + Capacity;
        await Eventually.TrueAsync(() => Volatile.Read(ref started) == Published && Volatile.Read(ref entered) == InMemoryPubSub.DefaultConcurrency
                && pubsub.Queued("orders", "slow-app") == Capacity && Volatile.Read(ref published) == LetThrough,
            $"never exactly {LetThrough} of {Published} publishes returned with every worker busy and the queue full", TimeSpan.FromSeconds(30));
        Sample();

        Assert.Equal(LetThrough, Volatile.Read(ref published));
        slow.Release(Published);
        await Task.WhenAll(publishes).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => received.Count == Published, $"only {received.Count} of {Published} delivered", TimeSpan.FromSeconds(30));

        Assert.InRange(maxQueued, 1, Capacity);
        Assert.Equal(Enumerable.Range(1, Published).Select(n => $"{n}").Order(), received.Order());
        await Eventually.TrueAsync(() => sidecar.Sidecar.Context.Cluster.InFlight.Count == 0, "the in-flight count never came back to 0");
    }

    [Fact]
    public async Task A_publish_that_finds_the_queue_full_past_the_timeout_is_refused_with_an_error_the_publisher_sees()
    {
        var (sidecar, pubsub) = await StartAsync(capacity: 1, publishTimeout: "200ms");
        await using var _ = sidecar;
        using var stuck = new CancellationTokenSource();
        var entered = 0;
        using var membership = pubsub.Subscribe("orders", "stuck-app", async (message, ct) =>
        {
            Interlocked.Increment(ref entered);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, stuck.Token);
            await Task.Delay(Timeout.Infinite, either.Token);
        });
        for (var n = 0; n < InMemoryPubSub.DefaultConcurrency + 1; n++)
            await pubsub.PublishAsync(Message(n), TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => Volatile.Read(ref entered) == InMemoryPubSub.DefaultConcurrency, "the workers never all took a message");
        using var http = new HttpClient { BaseAddress = sidecar.Sidecar.HttpEndpoint };

        using var refused = await http.PostAsync("v1.0/publish/pubsub/orders",
            new StringContent("""{"n":"one too many"}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var body = await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var queuedWhenRefused = pubsub.Queued("orders", "stuck-app");
        await stuck.CancelAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        Assert.Contains("ERR_PUBSUB_PUBLISH_MESSAGE", body);
        Assert.Contains("is full (1 messages)", body);
        Assert.Equal(1, queuedWhenRefused);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
                return;
            current = seen;
        }
    }
}
