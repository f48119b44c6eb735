using System.Collections.Concurrent;
using System.Text;
using ShopDapr.DevSidecar.PubSub;
using ShopDapr.DevSidecar.Tests.Resiliency;

namespace ShopDapr.DevSidecar.Tests.Hosting;

/// <summary>A graceful stop's drain (what run -f does on Ctrl+C before it stops the apps) waits for the in-memory pub/sub.</summary>
public sealed class DrainTests
{
    private static async Task<(TestSidecar Sidecar, IPubSub PubSub)> StartAsync()
    {
        var sidecar = await TestSidecar.StartAsync(new Dictionary<string, string>
        {
            ["pubsub.yaml"] = Yaml.Component("pubsub", "pubsub.in-memory"),
        });
        Assert.True(sidecar.Sidecar.Context.Components.TryGet<IPubSub>("pubsub", out var pubsub));
        return (sidecar, pubsub);
    }

    private static PubSubMessage Message(int n) => new("orders", Encoding.UTF8.GetBytes($"{n}"), new Dictionary<string, string>());

    [Fact]
    public async Task The_drain_ends_only_once_every_queued_message_was_delivered()
    {
        var (sidecar, pubsub) = await StartAsync();
        await using var _ = sidecar;
        var gate = new SemaphoreSlim(0);
        var delivered = new ConcurrentBag<string>();
        var entered = 0;
        using var membership = pubsub.Subscribe("orders", "app", async (message, ct) =>
        {
            Interlocked.Increment(ref entered);
            await gate.WaitAsync(ct);
            delivered.Add(Encoding.UTF8.GetString(message.Data.Span));
        });
        const int Published = InMemoryPubSub.DefaultConcurrency + 10; // some in delivery, the rest queued
        for (var n = 0; n < Published; n++)
            await pubsub.PublishAsync(Message(n), TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => Volatile.Read(ref entered) == InMemoryPubSub.DefaultConcurrency, "the workers never took their messages");

        var drain = sidecar.Sidecar.Context.Cluster.DrainAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var whileHeld = drain.IsCompleted;
        gate.Release(Published);
        var left = await drain;

        Assert.False(whileHeld, "the drain ended while messages were still queued");
        Assert.Equal(0, left);
        Assert.Equal(Published, delivered.Count);
        Assert.True(sidecar.Sidecar.Context.Draining.IsCancellationRequested, "the sidecar was not told to take no new work");
    }

    [Fact]
    public async Task A_drain_that_runs_out_of_time_reports_what_it_leaves_behind()
    {
        var (sidecar, pubsub) = await StartAsync();
        await using var _ = sidecar;
        using var stuck = new CancellationTokenSource();
        using var membership = pubsub.Subscribe("orders", "app", async (message, ct) =>
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, stuck.Token);
            await Task.Delay(Timeout.Infinite, either.Token);
        });
        await pubsub.PublishAsync(Message(1), TestContext.Current.CancellationToken);

        var left = await sidecar.Sidecar.Context.Cluster.DrainAsync(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken);
        await stuck.CancelAsync();

        Assert.Equal(1, left);
    }
}
