using System.Net;
using System.Text;
using System.Text.Json;
using Dapr.Client.Autogen.Grpc.v1;
using ShopDapr.DevSidecar.Components;
using ShopDapr.DevSidecar.Config;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.MetadataApi;
using ShopDapr.DevSidecar.Resources;
using ShopDapr.DevSidecar.Tests.Invocation;

namespace ShopDapr.DevSidecar.Tests.MetadataApi;

public sealed class MetadataTests
{
    private static readonly Dictionary<string, string> StateStore = new() { ["state.yaml"] = Yaml.Component("statestore", "state.in-memory") };

    [Fact]
    public async Task Sdk_metadata_lists_the_app_id_and_components_with_capabilities()
    {
        await using var app = await TestApp.StartAsync("orders");
        await using var dapr = await TestSidecar.StartAsync(StateStore, "orders", app.Channel);

        var metadata = await dapr.Client.GetMetadataAsync(TestContext.Current.CancellationToken);

        Assert.Equal("orders", metadata.Id);
        var component = Assert.Single(metadata.Components);
        Assert.Equal(("statestore", "state.in-memory", "v1"), (component.Name, component.Type, component.Version));
        Assert.Contains("ETAG", component.Capabilities);
        Assert.Contains("TRANSACTIONAL", component.Capabilities);
        Assert.Equal(MetadataReader.RuntimeVersion, metadata.Extended["daprRuntimeVersion"]);
    }

    [Fact]
    public async Task Http_metadata_has_daprds_json_shape()
    {
        await using var dapr = await TestSidecar.StartAsync(StateStore, "orders",
            AppChannelOptions.FromPort(5123));
        using var http = new HttpClient { BaseAddress = dapr.Sidecar.HttpEndpoint };

        using var json = JsonDocument.Parse(await http.GetStringAsync("/v1.0/metadata", TestContext.Current.CancellationToken));
        var root = json.RootElement;

        Assert.Equal("orders", root.GetProperty("id").GetString());
        Assert.Equal(MetadataReader.RuntimeVersion, root.GetProperty("runtimeVersion").GetString());
        var component = Assert.Single(root.GetProperty("components").EnumerateArray());
        Assert.Equal("state.in-memory", component.GetProperty("type").GetString());
        var connection = root.GetProperty("appConnectionProperties");
        Assert.Equal((5123, "http", "127.0.0.1"),
            (connection.GetProperty("port").GetInt32(), connection.GetProperty("protocol").GetString(), connection.GetProperty("channelAddress").GetString()));
        Assert.Equal("DISABLED", root.GetProperty("actorRuntime").GetProperty("runtimeStatus").GetString());
    }

    [Fact]
    public async Task Extended_metadata_set_over_grpc_and_http_is_reported()
    {
        await using var dapr = await TestSidecar.StartAsync(new Dictionary<string, string>(), "orders");
        using var http = new HttpClient { BaseAddress = dapr.Sidecar.HttpEndpoint };
        var ct = TestContext.Current.CancellationToken;

        await dapr.Client.SetMetadataAsync("owner", "team-orders", ct);
        using var put = await http.PutAsync("/v1.0/metadata/region", new StringContent("eu-west", Encoding.UTF8, "text/plain"), ct);
        var metadata = await dapr.Client.GetMetadataAsync(ct);

        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        Assert.Equal("team-orders", metadata.Extended["owner"]);
        Assert.Equal("eu-west", metadata.Extended["region"]);
    }

    [Fact]
    public void Contributors_fill_their_part_and_subscriptions_render_as_daprd_does()
    {
        var options = new SidecarOptions { AppId = "orders" };
        var context = new SidecarContext(options, new ResourceSet(), new ComponentRegistry(), new SidecarCluster(), null);
        var reader = new MetadataReader(context, SidecarConfiguration.Default, new ExtendedMetadata(), [new OneSubscription()]);

        var json = JsonSerializer.Serialize(MetadataJson.From(reader.Read()));

        using var doc = JsonDocument.Parse(json);
        var subscription = Assert.Single(doc.RootElement.GetProperty("subscriptions").EnumerateArray());
        Assert.Equal("pubsub", subscription.GetProperty("pubsubname").GetString());
        Assert.Equal("DECLARATIVE", subscription.GetProperty("type").GetString());
        Assert.Equal("orders/paid", subscription.GetProperty("rules")[0].GetProperty("path").GetString());
    }

    private sealed class OneSubscription : IMetadataContributor
    {
        public void Contribute(GetMetadataResponse response) => response.Subscriptions.Add(new PubsubSubscription
        {
            PubsubName = "pubsub",
            Topic = "order-events",
            DeadLetterTopic = "deadletter",
            Type = PubsubSubscriptionType.Declarative,
            Rules = new PubsubSubscriptionRules { Rules = { new PubsubSubscriptionRule { Match = "event.type == 'paid'", Path = "orders/paid" } } },
        });
    }
}
