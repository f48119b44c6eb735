using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ShopDapr.DevSidecar.Tests.PubSub;

/// <summary>The subscriptions in GET /v1.0/metadata, wildcard topics, and an app without pub/sub never asked for subscriptions.</summary>
public sealed class MetadataAndWildcardTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metadata_lists_programmatic_and_declarative_subscriptions_as_daprd()
    {
        const string declarative = """
            apiVersion: dapr.io/v2alpha1
            kind: Subscription
            metadata:
              name: audit
            spec:
              pubsubname: pubsub
              topic: audit
              routes:
                default: /audit
              deadLetterTopic: deadletter
            """;
        await using var app = await SubscriberApp.StartAsync(a =>
            a.MapPost("/orders", () => Results.Ok()).WithTopic(new Dapr.TopicOptions { PubsubName = "pubsub", Name = "orders", Match = "event.type == \"a\"", Priority = 1 }));
        await using var dapr = await DeliveryTests.SidecarFor(app, "meta-app", PubSubYaml.InMemory(("audit.yaml", declarative)));
        using var http = new HttpClient { BaseAddress = dapr.Sidecar.HttpEndpoint };

        var json = JsonDocument.Parse(await http.GetStringAsync("v1.0/metadata", Ct)).RootElement;

        var subs = json.GetProperty("subscriptions").EnumerateArray().ToDictionary(s => s.GetProperty("topic").GetString()!);
        Assert.Equal("DECLARATIVE", subs["audit"].GetProperty("type").GetString());
        Assert.Equal("deadletter", subs["audit"].GetProperty("deadLetterTopic").GetString());
        Assert.Equal("/audit", subs["audit"].GetProperty("rules")[0].GetProperty("path").GetString());
        Assert.Equal("PROGRAMMATIC", subs["orders"].GetProperty("type").GetString());
        Assert.Equal("event.type == \"a\"", subs["orders"].GetProperty("rules")[0].GetProperty("match").GetString());
        var pubsub = json.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "pubsub");
        Assert.Equal("pubsub.in-memory", pubsub.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_wildcard_subscription_gets_every_topic_under_its_prefix()
    {
        await using var app = await SubscriberApp.StartAsync(a => a.MapPost("/all-orders", () => Results.Ok()).WithTopic("pubsub", "orders.*"));
        await using var dapr = await DeliveryTests.SidecarFor(app, "wild");

        await dapr.Client.PublishEventAsync("pubsub", "orders.paid", new { id = 1 }, Ct);
        await dapr.Client.PublishEventAsync("pubsub", "orders.shipped", new { id = 2 }, Ct);

        var topics = new[] { await app.NextAsync("all-orders"), await app.NextAsync("all-orders") }.Select(d => (string)d.Json["topic"]!).Order();
        Assert.Equal(["orders.paid", "orders.shipped"], topics);
    }

    [Fact]
    public async Task Without_a_pubsub_component_the_app_is_never_asked_for_subscriptions()
    {
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await SubscriberApp.StartAsync(a => a.MapGet("/dapr/subscribe", () => { asked.TrySetResult(); return Results.Json(Array.Empty<object>()); }),
            sdkSubscribeHandler: false);
        await using var dapr = await TestSidecar.StartAsync(new Dictionary<string, string>(), "no-pubsub", app.Channel);

        var view = dapr.Sidecar.Services.GetRequiredService<ShopDapr.DevSidecar.PubSub.Subscriptions.ISubscriptionView>();
        await view.Discovered.WaitAsync(SubscriberApp.Deadline, Ct);

        Assert.True(view.Discovered.IsCompleted);
        Assert.False(asked.Task.IsCompleted);
    }
}
