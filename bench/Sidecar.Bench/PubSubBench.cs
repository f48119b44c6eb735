using System.Collections.Concurrent;
using System.Diagnostics;
using Dapr;
using Dapr.AspNetCore;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.Bench;

/// <summary>
/// pubsub.in-memory with one subscriber app (Kestrel + Dapr.AspNetCore): delivered messages/s at saturation, and
/// publish-to-handler latency at a fixed 1,000 msg/s. The in-run baseline is the same handler called straight over HTTP.
/// </summary>
internal static class PubSubBench
{
    public sealed record Tick(long Sent);

    public static async Task<int> RunAsync(int seconds)
    {
        var received = 0L;
        var bulkReceived = 0L;
        var latencies = new ConcurrentBag<double>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.UseCloudEvents();
        app.MapSubscribeHandler();
        app.MapPost("/ticks", (Tick tick) =>
        {
            Interlocked.Increment(ref received);
            latencies.Add(Stopwatch.GetElapsedTime(tick.Sent).TotalMilliseconds);
            return Results.Ok();
        }).WithTopic("pubsub", "ticks");
        app.MapPost("/bulkticks", (BulkSubscribeMessage<BulkMessageModel<Tick>> batch) =>
        {
            Interlocked.Add(ref bulkReceived, batch.Entries.Count);
            return new BulkSubscribeAppResponse(batch.Entries
                .Select(e => new BulkSubscribeAppResponseEntry(e.EntryId, BulkSubscribeAppResponseStatus.SUCCESS)).ToList());
        })
            .WithTopic("pubsub", "bulkticks")
            .WithBulkSubscribe(new BulkSubscribeTopicOptions { TopicName = "bulkticks", MaxMessagesCount = 100, MaxAwaitDurationMs = 20 });
        await app.StartAsync();
        var appUrl = new Uri(app.Urls.First());

        var resources = Harness.TempResources(("pubsub.yaml", Harness.Component("pubsub", "pubsub.in-memory")));
        await using var sidecar = await Sidecar.StartAsync(new SidecarOptions
        {
            AppId = "subscriber", ResourcesPaths = [resources], AppChannel = AppChannelOptions.FromUrl(appUrl),
        });
        using var client = Harness.Client(sidecar);
        await WaitForSubscriptionAsync(client, () => Interlocked.Read(ref received));

        // Saturation: publishers as fast as they can; count deliveries in the window.
        Interlocked.Exchange(ref received, 0);
        var clock = Stopwatch.StartNew();
        var published = await Harness.SaturateAsync("publish", 32, TimeSpan.FromSeconds(seconds),
            (_, _) => client.PublishEventAsync("pubsub", "ticks", new Tick(Stopwatch.GetTimestamp())));
        var deliveredPerSecond = Interlocked.Read(ref received) / clock.Elapsed.TotalSeconds;
        await DrainAsync(() => Interlocked.Read(ref received), published);

        // Bulk: BulkPublishEventAsync of 100 events, delivered to a bulk subscription (batches of up to 100), as in
        // Dapr's own in-memory bulk figure.
        var hundred = Enumerable.Range(0, 100).Select(_ => new Tick(0)).ToList();
        clock.Restart();
        var bulkCalls = await Harness.SaturateAsync("bulk publish x100", 8, TimeSpan.FromSeconds(seconds),
            (_, _) => client.BulkPublishEventAsync("pubsub", "bulkticks", hundred));
        var bulkPerSecond = Interlocked.Read(ref bulkReceived) / clock.Elapsed.TotalSeconds;
        await DrainAsync(() => Interlocked.Read(ref bulkReceived), bulkCalls * 100);

        // Fixed rate: 1,000 msg/s for the duration; latency publish → handler.
        latencies.Clear();
        Interlocked.Exchange(ref received, 0);
        var target = seconds * 1000L;
        using (var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10)))
        {
            var start = Stopwatch.GetTimestamp();
            long sent = 0;
            while (sent < target && await timer.WaitForNextTickAsync())
            {
                var due = Math.Min(target, (long)(Stopwatch.GetElapsedTime(start).TotalMilliseconds));
                var batch = new List<Task>();
                for (; sent < due; sent++)
                    batch.Add(client.PublishEventAsync("pubsub", "ticks", new Tick(Stopwatch.GetTimestamp())));
                await Task.WhenAll(batch);
            }
        }
        await DrainAsync(() => Interlocked.Read(ref received), target);
        var sorted = latencies.Order().ToList();

        Console.WriteLine($"pubsub.in-memory, one subscriber app, DaprClient.PublishEventAsync over gRPC, {Harness.Machine()}");
        Console.WriteLine("| measure | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| delivered msgs/s at saturation (32 publishers, {seconds}s) | {deliveredPerSecond:0} |");
        Console.WriteLine($"| delivered msgs/s at saturation, bulk publish (100) + bulk subscribe (8 publishers, {seconds}s) | {bulkPerSecond:0} |");
        Console.WriteLine($"| publish→handler p50 at 1,000 msg/s | {Harness.Percentile(sorted, 50):0.00} ms |");
        Console.WriteLine($"| publish→handler p99 at 1,000 msg/s | {Harness.Percentile(sorted, 99):0.00} ms |");
        Console.WriteLine($"| messages delivered / published at 1,000 msg/s | {sorted.Count} / {target} |");
        await app.StopAsync();
        return 0;
    }

    private static async Task WaitForSubscriptionAsync(Dapr.Client.DaprClient client, Func<long> received)
    {
        var deadline = Stopwatch.StartNew();
        while (received() == 0)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
                throw new TimeoutException("the subscriber never received a message");
            await client.PublishEventAsync("pubsub", "ticks", new Tick(Stopwatch.GetTimestamp()));
            await Task.Delay(100);
        }
    }

    private static async Task DrainAsync(Func<long> received, long expected)
    {
        var deadline = Stopwatch.StartNew();
        while (received() < expected && deadline.Elapsed < TimeSpan.FromSeconds(30))
            await Task.Delay(50);
    }
}
