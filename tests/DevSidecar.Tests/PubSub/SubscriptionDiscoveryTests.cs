using System.Net;
using Dapr;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.PubSub.Subscriptions;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Tests.PubSub;

/// <summary>Where subscriptions come from: Subscription files, and the app's GET /dapr/subscribe even when the app starts late.</summary>
public sealed class SubscriptionDiscoveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string V2 = """
        apiVersion: dapr.io/v2alpha1
        kind: Subscription
        metadata:
          name: order-events
        spec:
          pubsubname: pubsub
          topic: order-events
          routes:
            rules:
              - match: event.type == "order.paid"
                path: /paid
            default: /orders-any
          deadLetterTopic: deadletter
        scopes:
          - declared-app
        """;

    private const string V1 = """
        apiVersion: dapr.io/v1alpha1
        kind: Subscription
        metadata:
          name: legacy
        spec:
          pubsubname: pubsub
          topic: legacy
          route: /legacy
        """;

    [Fact]
    public async Task Declarative_subscriptions_in_both_versions_deliver_and_respect_scopes()
    {
        await using var app = await SubscriberApp.StartAsync(a =>
        {
            a.MapPost("/paid", () => Results.Ok());
            a.MapPost("/orders-any", () => Results.Ok());
            a.MapPost("/legacy", () => Results.Ok());
        });
        var resources = PubSubYaml.InMemory(("sub-v2.yaml", V2), ("sub-v1.yaml", V1));
        await using var dapr = await DeliveryTests.SidecarFor(app, "declared-app", resources);

        await dapr.Client.PublishEventAsync("pubsub", "order-events", new { id = 1 }, new Dictionary<string, string> { ["cloudevent.type"] = "order.paid" }, Ct);
        await dapr.Client.PublishEventAsync("pubsub", "order-events", new { id = 2 }, Ct);
        await dapr.Client.PublishEventAsync("pubsub", "legacy", new { id = 3 }, Ct);

        Assert.Equal(1, (int)(await app.NextAsync("paid")).Json["data"]!["id"]!);
        Assert.Equal(2, (int)(await app.NextAsync("orders-any")).Json["data"]!["id"]!);
        Assert.Equal(3, (int)(await app.NextAsync("legacy")).Json["data"]!["id"]!);

        var view = dapr.Sidecar.Services.GetRequiredService<ISubscriptionView>();
        var v2 = Assert.Single(view.Subscriptions, s => s.Topic == "order-events");
        Assert.Equal(SubscriptionType.Declarative, v2.Type);
        Assert.Equal("deadletter", v2.DeadLetterTopic);
        Assert.Equal([new RoutingRule("event.type == \"order.paid\"", "/paid"), new RoutingRule(null, "/orders-any")], v2.Rules);

        await using var other = await DeliveryTests.SidecarFor(app, "someone-else", resources);
        Assert.DoesNotContain(other.Sidecar.Services.GetRequiredService<ISubscriptionView>().Subscriptions, s => s.Topic == "order-events");
        Assert.Contains(other.Sidecar.Services.GetRequiredService<ISubscriptionView>().Subscriptions, s => s.Topic == "legacy");
    }

    [Fact]
    public async Task A_subscription_file_naming_an_unknown_pubsub_stops_start_up_naming_file_and_field()
    {
        var resources = PubSubYaml.InMemory(("sub.yaml", V1.Replace("pubsubname: pubsub", "pubsubname: missing", StringComparison.Ordinal)));

        var e = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(resources, "any"));

        Assert.EndsWith("sub.yaml", e.File);
        Assert.Equal("spec.pubsubname", e.Field);
        Assert.Contains("missing", e.Problem);
    }

    [Fact]
    public async Task A_subscription_file_with_an_invalid_rule_stops_start_up()
    {
        var resources = PubSubYaml.InMemory(("sub.yaml", V2.Replace("event.type == \"order.paid\"", "event.type ==", StringComparison.Ordinal)));

        var e = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(resources, "declared-app"));

        Assert.Equal("spec.routes.rules[0].match", e.Field);
    }

    [Fact]
    public async Task Programmatic_subscriptions_are_listed_with_their_rules_metadata_and_dead_letter_topic()
    {
        await using var app = await SubscriberApp.StartAsync(a =>
        {
            a.MapPost("/a", [Topic("pubsub", "t1", "event.type == \"a\"", 1)] () => Results.Ok());
            a.MapPost("/b", () => Results.Ok()).WithTopic(new TopicOptions { PubsubName = "pubsub", Name = "t2", DeadLetterTopic = "dlq" });
            a.MapPost("/c", () => Results.Ok()).WithTopic("pubsub", "t3", enableRawPayload: true);
        });
        await using var dapr = await DeliveryTests.SidecarFor(app, "lister");

        var subs = dapr.Sidecar.Services.GetRequiredService<ISubscriptionView>().Subscriptions;

        Assert.All(subs, s => Assert.Equal(SubscriptionType.Programmatic, s.Type));
        Assert.Equal([new RoutingRule("event.type == \"a\"", "a")], Assert.Single(subs, s => s.Topic == "t1").Rules);
        Assert.Equal("dlq", Assert.Single(subs, s => s.Topic == "t2").DeadLetterTopic);
        Assert.Equal("true", Assert.Single(subs, s => s.Topic == "t3").Metadata["rawPayload"]);
    }

    [Fact]
    public async Task A_hand_written_subscribe_answer_is_read_case_insensitively_in_v1_and_v2_shapes()
    {
        const string answer = """
            [
              {"PUBSUBNAME": "pubsub", "Topic": "v1-topic", "ROUTE": "/v1", "Metadata": {"rawPayload": "false"}},
              {"pubsubname": "pubsub", "topic": "v2-topic", "Routes": {"Rules": [{"Match": "event.type == \"a\"", "Path": "/v2a"}], "Default": "/v2"}, "DeadLetterTopic": "dlq"},
              {"pubsubName": "pubsub", "topic": "no-route"},
              {"pubsubName": "elsewhere", "topic": "unknown-pubsub", "route": "/x"}
            ]
            """;
        await using var app = await SubscriberApp.StartAsync(a =>
        {
            a.MapGet("/dapr/subscribe", () => Results.Text(answer, "application/json"));
            a.MapPost("/v1", () => Results.Ok());
            a.MapPost("/v2", () => Results.Ok());
        }, sdkSubscribeHandler: false);
        await using var dapr = await DeliveryTests.SidecarFor(app, "handmade");

        var subs = dapr.Sidecar.Services.GetRequiredService<ISubscriptionView>().Subscriptions;

        Assert.Equal(["v1-topic", "v2-topic"], subs.Select(s => s.Topic).Order());
        Assert.Equal([new RoutingRule(null, "/v1")], subs.Single(s => s.Topic == "v1-topic").Rules);
        var v2 = subs.Single(s => s.Topic == "v2-topic");
        Assert.Equal([new RoutingRule("event.type == \"a\"", "/v2a"), new RoutingRule(null, "/v2")], v2.Rules);
        Assert.Equal("dlq", v2.DeadLetterTopic);
        await dapr.Client.PublishEventAsync("pubsub", "v2-topic", new { id = "to-default" }, Ct);
        Assert.Equal("to-default", (string?)(await app.NextAsync("v2")).Json["data"]!["id"]);
    }

    [Fact]
    public async Task A_programmatic_subscription_replaces_a_declarative_one_for_the_same_topic()
    {
        await using var app = await SubscriberApp.StartAsync(a =>
        {
            a.MapPost("/legacy", () => Results.Ok());
            a.MapPost("/from-code", () => Results.Ok()).WithTopic("pubsub", "legacy");
        });
        await using var dapr = await DeliveryTests.SidecarFor(app, "both", PubSubYaml.InMemory(("sub-v1.yaml", V1)));

        var sub = Assert.Single(dapr.Sidecar.Services.GetRequiredService<ISubscriptionView>().Subscriptions);
        Assert.Equal(SubscriptionType.Programmatic, sub.Type);
        await dapr.Client.PublishEventAsync("pubsub", "legacy", new { id = "code-wins" }, Ct);
        Assert.Equal("code-wins", (string?)(await app.NextAsync("from-code")).Json["data"]!["id"]);
        Assert.False(app.TryNext("legacy", out _));
    }

    /// <summary>Until the app answers, its channel refuses (nothing listens yet) or fails in another way; discovery asks again.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_app_that_starts_after_its_sidecar_still_gets_its_subscriptions(bool channelThrowsOtherwise)
    {
        await using var app = await SubscriberApp.StartAsync(a => a.MapPost("/late", () => Results.Ok()).WithTopic("pubsub", "late"));
        var gate = new Gate(app.Handler, channelThrowsOtherwise);
        await using var dapr = await TestSidecar.StartAsync(PubSubYaml.InMemory(), "late-app", AppChannelOptions.FromHandler(gate));
        var view = dapr.Sidecar.Services.GetRequiredService<ISubscriptionView>();
        await gate.Refused.Task.WaitAsync(SubscriberApp.Deadline, Ct); // the sidecar has asked and found nobody
        Assert.False(view.Discovered.IsCompleted);

        gate.Open();
        await view.Discovered.WaitAsync(SubscriberApp.Deadline, Ct);
        await dapr.Client.PublishEventAsync("pubsub", "late", new { id = "hi" }, Ct);

        Assert.Equal("hi", (string?)(await app.NextAsync("late")).Json["data"]!["id"]);
    }

    [Fact]
    public async Task An_app_without_subscribe_endpoint_or_without_app_channel_has_no_subscriptions()
    {
        await using var noEndpoint = await TestSidecar.StartAsync(PubSubYaml.InMemory(("sub.yaml", V1)), "no-subscribe", AppChannelOptions.FromHandler(new NotFoundHandler()));
        await using var noChannel = await TestSidecar.StartAsync(PubSubYaml.InMemory(("sub.yaml", V1)), "client-only");

        var withoutEndpoint = noEndpoint.Sidecar.Services.GetRequiredService<ISubscriptionView>();
        await withoutEndpoint.Discovered.WaitAsync(SubscriberApp.Deadline, Ct);
        Assert.Equal(["legacy"], withoutEndpoint.Subscriptions.Select(s => s.Topic)); // only the declarative one

        var withoutChannel = noChannel.Sidecar.Services.GetRequiredService<ISubscriptionView>();
        await withoutChannel.Discovered.WaitAsync(SubscriberApp.Deadline, Ct);
        Assert.Empty(withoutChannel.Subscriptions);
    }

    /// <summary>Refuses connections (as a port nobody listens on does), or throws something else, until opened.</summary>
    private sealed class Gate(HttpMessageHandler inner, bool throwsOtherwise = false) : DelegatingHandler(inner)
    {
        private volatile bool _open;

        public TaskCompletionSource Refused { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _open = true;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (_open)
                return base.SendAsync(request, cancellationToken);
            Refused.TrySetResult();
            throw throwsOtherwise
                ? new InvalidOperationException("The app's channel is not ready.")
                : new HttpRequestException("Connection refused", null, HttpStatusCode.ServiceUnavailable);
        }
    }

    private sealed class NotFoundHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
    }
}
