using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RabbitMQ.Client;
using ShopDapr.DevSidecar.Resources;
using ShopDapr.DevSidecar.Tests.Actors;

namespace ShopDapr.DevSidecar.Tests.PubSub;

/// <summary>What only <c>pubsub.rabbitmq</c> promises, on a real rabbitmq-server: contrib's queue naming, ack/requeue, dead letters, prefetch.</summary>
public sealed class RabbitMqPubSubTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string ConnectionString(Dictionary<string, string> resources) =>
        System.Text.RegularExpressions.Regex.Match(resources["pubsub.yaml"], "value: \"(amqp://[^\"]+)\"").Groups[1].Value;

    private static async Task<IChannel> Broker(Dictionary<string, string> resources)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(ConnectionString(resources)) }.CreateConnectionAsync(Ct);
        return await connection.CreateChannelAsync(cancellationToken: Ct);
    }

    [Fact]
    public async Task Each_app_reads_a_durable_queue_named_app_id_and_topic_bound_to_the_topics_exchange()
    {
        await using var app = await SubscriberApp.StartAsync(a => a.MapPost("/paid", () => Results.Ok()).WithTopic(PubSubYaml.Pubsub, "orders"));
        var resources = PubSubYaml.For(PubSubYaml.RabbitMqKind);
        await using var dapr = await DeliveryTests.SidecarFor(app, "billing", resources);

        await dapr.Client.PublishEventAsync(PubSubYaml.Pubsub, "orders", new { id = "o-1" }, Ct);
        Assert.Equal("o-1", (string?)(await app.NextAsync("paid")).Json["data"]!["id"]);

        var broker = await Broker(resources);
        var queue = await broker.QueueDeclarePassiveAsync("billing-orders", Ct); // throws when missing
        Assert.Equal(1u, queue.ConsumerCount);
        await broker.ExchangeDeclarePassiveAsync("orders", Ct);
    }

    [Fact]
    public async Task With_requeueInFailure_a_message_the_subscriber_failed_comes_back_until_it_is_acknowledged()
    {
        var attempts = 0;
        await using var app = await SubscriberApp.StartAsync(a => a.MapPost("/work", () =>
            Interlocked.Increment(ref attempts) < 3 ? Results.StatusCode(500) : Results.Ok()).WithTopic(PubSubYaml.Pubsub, "jobs"));
        var resources = PubSubYaml.For(PubSubYaml.RabbitMqKind, ("requeueInFailure", "true"));
        await using var dapr = await DeliveryTests.SidecarFor(app, "worker", resources);

        await dapr.Client.PublishEventAsync(PubSubYaml.Pubsub, "jobs", new { id = "j-1" }, Ct);

        var ids = new[] { await app.NextAsync("work"), await app.NextAsync("work"), await app.NextAsync("work") }.Select(d => (string?)d.Json["id"]).Distinct();
        Assert.Single(ids); // the same event three times
        var broker = await Broker(resources);
        await Eventually.TrueAsync(async () => (await broker.QueueDeclarePassiveAsync("worker-jobs", Ct)).MessageCount == 0,
            SubscriberApp.Deadline, "the queue empty once the third attempt was acknowledged");
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task With_enableDeadLetter_a_failed_message_lands_in_the_dead_letter_queue_of_the_broker()
    {
        await using var app = await SubscriberApp.StartAsync(a => a.MapPost("/work", () => Results.StatusCode(500)).WithTopic(PubSubYaml.Pubsub, "jobs"));
        var resources = PubSubYaml.For(PubSubYaml.RabbitMqKind, ("enableDeadLetter", "true"));
        await using var dapr = await DeliveryTests.SidecarFor(app, "worker", resources);

        await dapr.Client.PublishEventAsync(PubSubYaml.Pubsub, "jobs", new { id = "poison" }, Ct);
        await app.NextAsync("work");

        var broker = await Broker(resources);
        await Eventually.TrueAsync(async () => (await broker.QueueDeclarePassiveAsync("dlq-worker-jobs", Ct)).MessageCount == 1,
            SubscriberApp.Deadline, "the nacked message in dlq-worker-jobs");
    }

    [Fact]
    public async Task PrefetchCount_bounds_the_deliveries_in_flight()
    {
        var inFlight = 0;
        var most = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await SubscriberApp.StartAsync(a => a.MapPost("/work", async () =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            await release.Task;
            Interlocked.Decrement(ref inFlight);
            return Results.Ok();
        }).WithTopic(PubSubYaml.Pubsub, "jobs"));
        var resources = PubSubYaml.For(PubSubYaml.RabbitMqKind, ("prefetchCount", "2"));
        await using var dapr = await DeliveryTests.SidecarFor(app, "worker", resources);

        for (var i = 0; i < 6; i++)
            await dapr.Client.PublishEventAsync(PubSubYaml.Pubsub, "jobs", new { n = i }, Ct);
        await Eventually.TrueAsync(() => Volatile.Read(ref inFlight) == 2, SubscriberApp.Deadline, "two deliveries in flight");
        var broker = await Broker(resources);
        var waiting = (await broker.QueueDeclarePassiveAsync("worker-jobs", Ct)).MessageCount;
        release.SetResult();
        for (var i = 0; i < 6; i++)
            await app.NextAsync("work");

        Assert.Equal(2, most);
        Assert.Equal(4u, waiting); // the rest stayed in the queue, not in the sidecar
    }

    [Fact]
    public async Task Wrong_credentials_stop_start_up_naming_the_file_and_the_component()
    {
        _ = PubSubYaml.RabbitMqMetadata();
        var server = await RabbitMqServer.Shared;

        var e = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(new Dictionary<string, string>
        {
            ["pubsub.yaml"] = Yaml.Component("events", "pubsub.rabbitmq", ("connectionString", server.NextConnectionString("wrong"))),
        }));

        Assert.EndsWith("pubsub.yaml", e.File);
        Assert.Contains("'events'", e.Message);
        Assert.Contains("refused the credentials", e.Message);
    }

    [Fact]
    public async Task An_unknown_metadata_field_is_named()
    {
        var e = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(PubSubYaml.For(PubSubYaml.RabbitMqKind, ("prefetch", "2"))));

        Assert.Equal("spec.metadata.prefetch", e.Field);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
