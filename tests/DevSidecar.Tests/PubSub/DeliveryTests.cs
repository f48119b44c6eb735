using Dapr;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.PubSub.Subscriptions;

namespace ShopDapr.DevSidecar.Tests.PubSub;

/// <summary>Who gets an event, by which route, and where it goes when the app will not take it.</summary>
public sealed class DeliveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TopicOptions Topic(string name, string? match = null, int priority = 0, string? deadLetter = "deadletter") =>
        new() { PubsubName = PubSubYaml.Pubsub, Name = name, Match = match!, Priority = priority, DeadLetterTopic = deadLetter! };

    internal static async Task<TestSidecar> SidecarFor(SubscriberApp app, string appId, Dictionary<string, string>? resources = null, SidecarCluster? cluster = null,
        TestSidecar? shareResourcesWith = null, AppChannelOptions? channel = null)
    {
        var dapr = await TestSidecar.StartAsync(resources ?? PubSubYaml.InMemory(), appId, channel ?? app.Channel, cluster,
            shareResourcesWith is null ? null : o => o with { ResourcesPaths = shareResourcesWith.Sidecar.Context.Options.ResourcesPaths });
        await dapr.Sidecar.Services.GetRequiredService<ISubscriptionView>().Discovered.WaitAsync(SubscriberApp.Deadline, Ct);
        return dapr;
    }

    [Theory]
    [MemberData(nameof(PubSubYaml.Kinds), MemberType = typeof(PubSubYaml))]
    public async Task Two_app_ids_each_receive_every_event(string kind)
    {
        await using var cluster = new SidecarCluster();
        await using var billing = await SubscriberApp.StartAsync(a => a.MapPost("/paid", () => Results.Ok()).WithTopic(PubSubYaml.Pubsub, "orders"), "billing");
        await using var shipping = await SubscriberApp.StartAsync(a => a.MapPost("/ship", () => Results.Ok()).WithTopic(PubSubYaml.Pubsub, "orders"), "shipping");
        await using var billingDapr = await SidecarFor(billing, "billing", resources: PubSubYaml.For(kind), cluster: cluster);
        await using var shippingDapr = await SidecarFor(shipping, "shipping", cluster: cluster, shareResourcesWith: billingDapr);

        await billingDapr.Client.PublishEventAsync(PubSubYaml.Pubsub, "orders", new { id = "o-1" }, Ct);

        var a = await billing.NextAsync("paid");
        var b = await shipping.NextAsync("ship");
        Assert.Equal((string?)a.Json["id"], (string?)b.Json["id"]);
    }

    [Theory]
    [MemberData(nameof(PubSubYaml.Kinds), MemberType = typeof(PubSubYaml))]
    public async Task Replicas_of_one_app_compete_so_each_event_arrives_once(string kind)
    {
        await using var cluster = new SidecarCluster();
        var feed = System.Threading.Channels.Channel.CreateUnbounded<Delivery>();
        await using var one = await SubscriberApp.StartAsync(a => a.MapPost("/work", () => Results.Ok()).WithTopic(PubSubYaml.Pubsub, "jobs"), "replica-1", feed);
        await using var two = await SubscriberApp.StartAsync(a => a.MapPost("/work", () => Results.Ok()).WithTopic(PubSubYaml.Pubsub, "jobs"), "replica-2", feed);
        await using var dapr1 = await SidecarFor(one, "worker", resources: PubSubYaml.For(kind), cluster: cluster);
        await using var dapr2 = await SidecarFor(two, "worker", cluster: cluster, shareResourcesWith: dapr1);

        const int count = 10;
        for (var i = 0; i < count; i++)
            await dapr1.Client.PublishEventAsync(PubSubYaml.Pubsub, "jobs", new { n = i }, Ct);

        var got = new List<Delivery>();
        for (var i = 0; i < count; i++)
            got.Add(await one.NextAnyAsync());
        Assert.Equal(count, got.Select(d => (int)d.Json["data"]!["n"]!).Distinct().Count());
        Assert.Contains(got, d => d.App == "replica-1");
        Assert.Contains(got, d => d.App == "replica-2");
    }

    [Theory]
    [MemberData(nameof(PubSubYaml.Kinds), MemberType = typeof(PubSubYaml))]
    public async Task Routing_rules_from_Topic_attributes_pick_the_route_by_event_type(string kind)
    {
        await using var app = await SubscriberApp.StartAsync(a =>
        {
            a.MapPost("/shipped", [Topic("pubsub", "orders", "event.type == \"order.shipped\"", 1)] () => Results.Ok());
            a.MapPost("/big", [Topic("pubsub", "orders", "event.data.total > 100.0", 2)] () => Results.Ok());
            a.MapPost("/other", [Topic("pubsub", "orders")] () => Results.Ok());
        });
        await using var dapr = await SidecarFor(app, "router", resources: PubSubYaml.For(kind));

        await dapr.Client.PublishEventAsync(PubSubYaml.Pubsub, "orders", new { total = 500 },
            new Dictionary<string, string> { ["cloudevent.type"] = "order.shipped" }, Ct);
        await dapr.Client.PublishEventAsync(PubSubYaml.Pubsub, "orders", new { total = 500 }, Ct);
        await dapr.Client.PublishEventAsync(PubSubYaml.Pubsub, "orders", new { total = 5 }, Ct);

        Assert.Equal("order.shipped", (string?)(await app.NextAsync("shipped")).Json["type"]);
        Assert.Equal(500, (int)(await app.NextAsync("big")).Json["data"]!["total"]!);
        Assert.Equal(5, (int)(await app.NextAsync("other")).Json["data"]!["total"]!);
    }

    [Theory]
    [MemberData(nameof(PubSubYaml.Kinds), MemberType = typeof(PubSubYaml))]
    public async Task An_event_no_rule_matches_goes_to_the_dead_letter_topic(string kind)
    {
        await using var app = await SubscriberApp.StartAsync(a =>
        {
            a.MapPost("/x", () => Results.Ok()).WithTopic(Topic("orders", "event.type == \"x\""));
            a.MapPost("/dead", () => Results.Ok()).WithTopic(PubSubYaml.Pubsub, "deadletter");
        });
        await using var dapr = await SidecarFor(app, "picky", resources: PubSubYaml.For(kind));

        await dapr.Client.PublishEventAsync(PubSubYaml.Pubsub, "orders", new { id = "nobody-wants-me" }, Ct);

        var dead = (await app.NextAsync("dead")).Json;
        Assert.Equal("nobody-wants-me", (string?)dead["data"]!["id"]);
        Assert.Equal("orders", (string?)dead["topic"]); // the original event, republished as it was
        Assert.False(app.TryNext("x", out _));
    }

    [Theory]
    [InlineData("drop-status")]
    [InlineData("not-found")]
    [InlineData("retry-status")]
    [InlineData("server-error")]
    public async Task Dropped_and_failed_events_go_to_the_dead_letter_topic_after_one_attempt(string answer)
    {
        var attempts = 0;
        await using var app = await SubscriberApp.StartAsync(a =>
        {
            a.MapPost("/handle", () =>
            {
                Interlocked.Increment(ref attempts);
                return answer switch
                {
                    "drop-status" => Results.Json(new { status = "DROP" }),
                    "retry-status" => Results.Json(new { status = "RETRY" }),
                    "not-found" => Results.NotFound(),
                    _ => Results.StatusCode(500),
                };
            }).WithTopic(Topic("orders"));
            a.MapPost("/dead", () => Results.Ok()).WithTopic(PubSubYaml.Pubsub, "deadletter");
        });
        await using var dapr = await SidecarFor(app, "failing");

        await dapr.Client.PublishEventAsync(PubSubYaml.Pubsub, "orders", new { id = answer }, Ct);

        Assert.Equal(answer, (string?)(await app.NextAsync("dead")).Json["data"]!["id"]);
        Assert.Equal(1, attempts); // daprd has no built-in retry for pub/sub: only a resiliency policy retries
    }
}
