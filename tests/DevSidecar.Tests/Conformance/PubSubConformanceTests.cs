using System.Text.Json;
using System.Threading.Channels;
using Dapr;

namespace ShopDapr.DevSidecar.Tests.Conformance;

/// <summary>Programmatic subscriptions, CloudEvent envelope and routing rules as daprd delivers them (pubsub.in-memory).</summary>
public sealed class PubSubConformanceTests
{
    public sealed record Parcel(string Kind, int Weight);

    [Theory]
    [MemberData(nameof(SidecarTarget.All), MemberType = typeof(SidecarTarget))]
    public async Task Events_arrive_as_cloudevents_routed_by_rule(string kind)
    {
        var ct = TestContext.Current.CancellationToken;
        var heavy = Channel.CreateUnbounded<JsonElement>();
        var other = Channel.CreateUnbounded<JsonElement>();
        await using var app = await TestApp.StartAsync(web =>
        {
            web.MapSubscribeHandler();
            web.MapPost("/heavy", async (HttpRequest r) => { await heavy.Writer.WriteAsync(await JsonSerializer.DeserializeAsync<JsonElement>(r.Body)); return Results.Ok(); })
                .WithTopic(new TopicOptions { PubsubName = "pubsub", Name = "parcels", Match = "event.data.kind == \"crate\"", Priority = 1 });
            web.MapPost("/other", async (HttpRequest r) => { await other.Writer.WriteAsync(await JsonSerializer.DeserializeAsync<JsonElement>(r.Body)); return Results.Ok(); })
                .WithTopic("pubsub", "parcels");
        });
        using var dir = new TempDir();
        await File.WriteAllTextAsync(dir.File("pubsub.yaml"), Yaml.Component("pubsub", "pubsub.in-memory"), ct);
        await using var target = await SidecarTarget.StartAsync(kind, "conformance-pubsub", dir.Path, app.Port);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        await target.Client.PublishEventAsync("pubsub", "parcels", new Parcel("crate", 50), ct);
        await target.Client.PublishEventAsync("pubsub", "parcels", new Parcel("letter", 1), ct);

        var big = await heavy.Reader.ReadAsync(deadline.Token);
        var small = await other.Reader.ReadAsync(deadline.Token);
        Assert.Equal("crate", big.GetProperty("data").GetProperty("kind").GetString());
        Assert.Equal("letter", small.GetProperty("data").GetProperty("kind").GetString());
        Assert.Equal("1.0", big.GetProperty("specversion").GetString());
        Assert.Equal("com.dapr.event.sent", big.GetProperty("type").GetString());
        Assert.Equal("conformance-pubsub", big.GetProperty("source").GetString());
        Assert.Equal("parcels", big.GetProperty("topic").GetString());
        Assert.Equal("pubsub", big.GetProperty("pubsubname").GetString());
        Assert.Equal("application/json", big.GetProperty("datacontenttype").GetString());
        Assert.True(Guid.TryParse(big.GetProperty("id").GetString(), out _));
        Assert.False(heavy.Reader.TryRead(out _));
    }
}
