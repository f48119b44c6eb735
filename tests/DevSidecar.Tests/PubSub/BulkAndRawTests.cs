using System.Net;
using System.Text;
using Dapr.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ShopDapr.DevSidecar.Tests.PubSub;

/// <summary>Bulk subscriptions (batches, per-entry statuses) and raw-payload subscriptions, through Dapr.AspNetCore.</summary>
public sealed class BulkAndRawTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed record Item(string Name);

    [Theory]
    [MemberData(nameof(PubSubYaml.Kinds), MemberType = typeof(PubSubYaml))]
    public async Task Bulk_subscription_gets_batches_and_dead_letters_the_entries_the_app_drops(string kind)
    {
        var typed = new TaskCompletionSource<List<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await SubscriberApp.StartAsync(a =>
        {
            a.MapPost("/batch", (BulkSubscribeMessage<BulkMessageModel<Item>> batch) =>
                {
                    typed.TrySetResult(batch.Entries.Select(e => e.Event.Data.Name).ToList());
                    return new BulkSubscribeAppResponse(batch.Entries.Select(e => new BulkSubscribeAppResponseEntry(
                        e.EntryId, e.Event.Data.Name == "bad" ? BulkSubscribeAppResponseStatus.DROP : BulkSubscribeAppResponseStatus.SUCCESS)).ToList());
                })
                .WithTopic(new Dapr.TopicOptions { PubsubName = "pubsub", Name = "items", DeadLetterTopic = "deadletter" })
                // A long await window: four events published together must fill a batch of three however loaded the machine is.
                .WithBulkSubscribe(new BulkSubscribeTopicOptions { TopicName = "items", MaxMessagesCount = 3, MaxAwaitDurationMs = 5000 });
            a.MapPost("/dead", () => Results.Ok()).WithTopic("pubsub", "deadletter");
        });
        await using var dapr = await DeliveryTests.SidecarFor(app, "bulk-app", PubSubYaml.For(kind));

        await dapr.Client.BulkPublishEventAsync("pubsub", "items", new[] { new Item("a"), new Item("bad"), new Item("c") }, cancellationToken: Ct);
        await dapr.Client.PublishEventAsync("pubsub", "items", new Item("late"), Ct);

        var first = await app.NextAsync("batch");
        Assert.Equal("application/json", first.ContentType);
        var body = first.Json;
        Assert.Equal("com.dapr.event.sent.bulk", (string?)body["type"]);
        Assert.Equal("items", (string?)body["topic"]);
        Assert.Equal("pubsub", (string?)body["pubsubname"]);
        var entries = body["entries"]!.AsArray();
        Assert.Equal(3, entries.Count); // full batch: the count closes it, not the window
        Assert.All(entries, e =>
        {
            Assert.False(string.IsNullOrEmpty((string?)e!["entryId"]));
            Assert.Equal("com.dapr.event.sent", (string?)e["event"]!["type"]);
        });
        Assert.Equal(3, (await typed.Task.WaitAsync(SubscriberApp.Deadline, Ct)).Count); // the SDK's typed model reads the batch

        // Deliveries run concurrently, so which event waits for the second batch is not fixed; each arrives exactly once.
        var second = (await app.NextAsync("batch")).Json["entries"]!.AsArray();
        var names = entries.Concat(second).Select(e => (string?)e!["event"]!["data"]!["name"]).Order().ToList();
        Assert.Equal(["a", "bad", "c", "late"], names);
        Assert.Equal("bad", (string?)(await app.NextAsync("dead")).Json["data"]!["name"]);
    }

    [Fact]
    public async Task Raw_payload_subscription_gets_the_published_bytes_in_data_base64()
    {
        var body = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await SubscriberApp.StartAsync(a =>
            a.MapPost("/raw", async (HttpRequest r) => { body.TrySetResult(await new StreamReader(r.Body).ReadToEndAsync()); return Results.Ok(); })
                .WithTopic("pubsub", "raw", enableRawPayload: true));
        await using var dapr = await DeliveryTests.SidecarFor(app, "raw-app");
        using var http = new HttpClient { BaseAddress = dapr.Sidecar.HttpEndpoint };
        const string payload = """{"legacy":true}""";

        var response = await http.PostAsync("v1.0/publish/pubsub/raw?metadata.rawPayload=true", new StringContent(payload, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var ce = (await app.NextAsync("raw")).Json;
        Assert.Equal("application/octet-stream", (string?)ce["datacontenttype"]);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(payload)), (string?)ce["data_base64"]);
        Assert.Equal("raw", (string?)ce["topic"]);
        Assert.Equal(payload, await body.Task.WaitAsync(SubscriberApp.Deadline, Ct));
    }
}
