using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ShopDapr.DevSidecar.Resiliency;

namespace ShopDapr.DevSidecar.Tests.PubSub;

/// <summary>The same inbound retry as <see cref="InboundPolicyTests"/>, configured the way an app does it: a Resiliency file.</summary>
public sealed class ResiliencyFileTests
{
    private const string Policy = """
        apiVersion: dapr.io/v1alpha1
        kind: Resiliency
        metadata:
          name: pubsub-retries
        spec:
          policies:
            retries:
              twice:
                policy: constant
                duration: 10ms
                maxRetries: 2
          targets:
            components:
              pubsub:
                inbound:
                  retry: twice
        """;

    [Fact]
    public async Task Inbound_retry_from_a_resiliency_file_redelivers_a_RETRY_answer()
    {
        var attempts = 0;
        await using var app = await SubscriberApp.StartAsync(a =>
        {
            a.MapPost("/handle", () => Interlocked.Increment(ref attempts) < 3 ? Results.Json(new { status = "RETRY" }) : Results.Ok())
                .WithTopic(new Dapr.TopicOptions { PubsubName = "pubsub", Name = "orders", DeadLetterTopic = "deadletter" });
            a.MapPost("/dead", () => Results.Ok()).WithTopic("pubsub", "deadletter");
        });
        await using var dapr = await DeliveryTests.SidecarFor(app, "resilient", PubSubYaml.InMemory(("resiliency.yaml", Policy)));
        Assert.IsNotType<NoResiliencyPolicies>(dapr.Sidecar.Services.GetRequiredService<IResiliencyPolicies>());

        await dapr.Client.PublishEventAsync("pubsub", "orders", new { id = "again" }, TestContext.Current.CancellationToken);

        for (var i = 0; i < 3; i++)
            Assert.Equal("again", (string?)(await app.NextAsync("handle")).Json["data"]!["id"]);
        Assert.Equal(3, attempts);
    }
}
