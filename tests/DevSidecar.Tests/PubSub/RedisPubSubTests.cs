using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ShopDapr.DevSidecar.PubSub;
using ShopDapr.DevSidecar.Tests.Actors;
using ShopDapr.DevSidecar.Resources;
using StackExchange.Redis;

namespace ShopDapr.DevSidecar.Tests.PubSub;

/// <summary>What only <c>pubsub.redis</c> promises, on a real redis-server: at-least-once, a group per app id, trimming.</summary>
public sealed class RedisPubSubTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<IDatabase> Redis(Dictionary<string, string> resources)
    {
        var db = int.Parse(System.Text.RegularExpressions.Regex.Match(resources["pubsub.yaml"], "redisDB\\s+value: \"(\\d+)\"").Groups[1].Value);
        return await (await RedisServer.Shared).ConnectAsync(db);
    }

    [Fact]
    public async Task A_message_the_subscriber_did_not_acknowledge_is_delivered_again_after_processingTimeout()
    {
        var attempts = 0;
        await using var app = await SubscriberApp.StartAsync(a => a.MapPost("/work", () =>
            Interlocked.Increment(ref attempts) == 1 ? Results.StatusCode(500) : Results.Ok()).WithTopic(PubSubYaml.Pubsub, "jobs"));
        var resources = PubSubYaml.For(PubSubYaml.RedisKind, ("processingTimeout", "500"), ("redeliverInterval", "200ms"));
        await using var dapr = await DeliveryTests.SidecarFor(app, "worker", resources);

        await dapr.Client.PublishEventAsync(PubSubYaml.Pubsub, "jobs", new { id = "j-1" }, Ct);

        var first = (await app.NextAsync("work")).Json;
        var second = (await app.NextAsync("work")).Json;
        Assert.Equal((string?)first["id"], (string?)second["id"]); // the same event, not a copy
        var redis = await Redis(resources);
        await Eventually.TrueAsync(async () => (await redis.StreamPendingAsync("jobs", "worker")).PendingMessageCount == 0,
            SubscriberApp.Deadline, "the message acknowledged after it was handled");
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task Each_app_id_reads_the_stream_as_its_own_consumer_group_and_acknowledges_what_it_handled()
    {
        await using var app = await SubscriberApp.StartAsync(a => a.MapPost("/paid", () => Results.Ok()).WithTopic(PubSubYaml.Pubsub, "orders"));
        var resources = PubSubYaml.For(PubSubYaml.RedisKind);
        await using var dapr = await DeliveryTests.SidecarFor(app, "billing", resources);

        await dapr.Client.PublishEventAsync(PubSubYaml.Pubsub, "orders", new { id = "o-1" }, Ct);
        await app.NextAsync("paid");

        var redis = await Redis(resources);
        var group = Assert.Single(await redis.StreamGroupInfoAsync("orders"));
        Assert.Equal("billing", group.Name);
        var entry = Assert.Single(await redis.StreamRangeAsync("orders"));
        Assert.Contains("\"o-1\"", (string?)entry["data"]); // contrib's fields: data (the CloudEvent) and metadata
        Assert.False(entry["metadata"].IsNull);
        await Eventually.TrueAsync(async () => (await redis.StreamPendingAsync("orders", "billing")).PendingMessageCount == 0,
            SubscriberApp.Deadline, "the handled message acknowledged");
    }

    [Fact]
    public async Task MaxLenApprox_trims_the_stream_as_messages_are_added()
    {
        var resources = PubSubYaml.For(PubSubYaml.RedisKind, ("maxLenApprox", "10"));
        await using var dapr = await TestSidecar.StartAsync(resources);
        Assert.True(dapr.Sidecar.Context.Components.TryGet<IPubSub>(PubSubYaml.Pubsub, out var pubsub));

        for (var i = 0; i < 400; i++)
            await pubsub.PublishAsync(new PubSubMessage("ticks", "{}"u8.ToArray(), new Dictionary<string, string>()), Ct);

        var length = await (await Redis(resources)).StreamLengthAsync("ticks");
        Assert.InRange(length, 10, 150); // approximate: Redis trims whole nodes of up to 100 entries
    }

    [Fact]
    public async Task A_server_nobody_listens_on_stops_start_up_naming_the_file_and_the_component()
    {
        _ = State.StateStores.RedisMetadata(); // skips, saying why, without redis-server
        var port = ServerProcess.FreePort();

        var e = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(new Dictionary<string, string>
        {
            ["pubsub.yaml"] = Yaml.Component("events", "pubsub.redis", ("redisHost", $"127.0.0.1:{port}"), ("dialTimeout", "1s")),
        }));

        Assert.EndsWith("pubsub.yaml", e.File);
        Assert.Contains("'events'", e.Message);
    }

    [Fact]
    public async Task An_unknown_metadata_field_is_named()
    {
        var e = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(
            PubSubYaml.For(PubSubYaml.RedisKind, ("maxLenAprox", "10"))));

        Assert.Equal("spec.metadata.maxLenAprox", e.Field);
    }
}
