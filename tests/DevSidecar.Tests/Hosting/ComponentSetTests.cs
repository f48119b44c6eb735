using ShopDapr.DevSidecar.Tests.PubSub;
using ShopDapr.DevSidecar.Tests.State;

namespace ShopDapr.DevSidecar.Tests.Hosting;

/// <summary>The shop's own backend YAML (components/redis …) loads and works on a real server, the address aside.</summary>
public sealed class ComponentSetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ShopDapr.sln")))
            dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repo root not found"), relative);
    }

    [Fact]
    public async Task The_postgres_sets_state_and_pubsub_yaml_serve_state_and_deliver_events()
    {
        var connection = StateStores.PostgresMetadata();
        var amqp = PubSubYaml.RabbitMqMetadata()[0].Item2;
        var state = System.Text.RegularExpressions.Regex.Replace(await File.ReadAllTextAsync(RepoFile("components/postgres/statestore.yaml"), Ct),
            "value: \"host=[^\"]*\"", $"value: \"{connection[0].Item2}\"\n    - name: tableName\n      value: \"{connection[1].Item2}\"");
        var pubsub = System.Text.RegularExpressions.Regex.Replace(await File.ReadAllTextAsync(RepoFile("components/postgres/pubsub.yaml"), Ct),
            "value: \"amqp://[^\"]*\"", $"value: \"{amqp}\"");
        await RunShopFlow(new Dictionary<string, string> { ["statestore.yaml"] = state, ["pubsub.yaml"] = pubsub });
    }

    [Fact]
    public async Task The_redis_sets_state_and_pubsub_yaml_serve_state_and_deliver_events()
    {
        var host = StateStores.RedisMetadata()[0].Item2;
        var resources = new Dictionary<string, string>();
        foreach (var file in (string[])["statestore.yaml", "pubsub.yaml"])
            resources[file] = (await File.ReadAllTextAsync(RepoFile($"components/redis/{file}"), Ct)).Replace("localhost:6379", host, StringComparison.Ordinal);
        // A database of its own, so other tests' keys and streams are not in the way.
        var db = RedisServer.NextDatabase();
        foreach (var file in resources.Keys.ToList())
            resources[file] = resources[file].Replace("  metadata:\n", $"  metadata:\n    - name: redisDB\n      value: \"{db}\"\n", StringComparison.Ordinal);
        await RunShopFlow(resources);
    }

    /// <summary>Ordering saves an order and announces it; its subscriber gets the event.</summary>
    private static async Task RunShopFlow(Dictionary<string, string> resources)
    {
        await using var app = await SubscriberApp.StartAsync(a => Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions
            .MapPost(a, "/events", () => Microsoft.AspNetCore.Http.Results.Ok()).WithTopic("pubsub", "order-events"));
        await using var dapr = await DeliveryTests.SidecarFor(app, "ordering", resources);

        await dapr.Client.SaveStateAsync("statestore", "order-1", new { total = 10 }, cancellationToken: Ct);
        await dapr.Client.PublishEventAsync("pubsub", "order-events", new { id = "order-1" }, Ct);

        Assert.Equal(10, (await dapr.Client.GetStateAsync<System.Text.Json.JsonElement>("statestore", "order-1", cancellationToken: Ct)).GetProperty("total").GetInt32());
        Assert.Equal("order-1", (string?)(await app.NextAsync("events")).Json["data"]!["id"]);
    }
}
