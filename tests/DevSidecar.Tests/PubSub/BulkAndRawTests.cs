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

    [Fact]
    public async Task Bulk_subscription_gets_batches_and_dead_letters_the_entries_the_app_drops()
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
                .WithBulkSubscribe(new BulkSubscribeTopicOptions { TopicName = "items", MaxMessagesCount = 3, MaxAwaitDurationMs = 2000 });
            a.MapPost("/dead", () => Results.Ok()).WithTopic("pubsub", "deadletter");
        });
        await using var dapr = await DeliveryTests.SidecarFor(app, "bulk-app");

        await dapr.Client.BulkPublishEventAsync("pubsub", "items", new[] { new Item("a"), new Item("bad"), new Item("c") }, cancellationToken: Ct);
        await dapr.Client.PublishEventAsync("pubsub", "items", new Item("late"), Ct);

        var first = await app.NextAsync("batch");
        Assert.Equal("application/json", first.ContentType);
        var body = first.Json;
        Assert.Equal("com.dapr.event.sent.bulk", (string?)body["type"]);
        Assert.Equal("items", (string?)body["topic"]);
        Assert.Equal("pubsub", (string?)body["pubsubname"]);
        var entries = body["entries"]!.AsArray();
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e =>
        {
            Assert.False(string.IsNullOrEmpty((string?)e!["entryId"]));
            Assert.Equal("com.dapr.event.sent", (string?)e["event"]!["type"]);
        });
        Assert.Equal(["a", "bad", "c"], (await typed.Task.WaitAsync(SubscriberApp.Deadline, Ct)).Order());

        var second = (await app.NextAsync("batch")).Json["entries"]!.AsArray();
        Assert.Equal("late", (string?)Assert.Single(second)!["event"]!["data"]!["name"]);
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
