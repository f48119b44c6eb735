using System.Text;
using System.Text.Json;
using Dapr;
using Dapr.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Resources;
using ShopDapr.DevSidecar.Tests.Actors;
using ShopDapr.DevSidecar.Tests.PubSub;

namespace ShopDapr.DevSidecar.Tests.State;

/// <summary>
/// daprd's transactional outbox (<c>outboxPublishPubsub</c>/<c>outboxPublishTopic</c> on a state store) on every store
/// kind, driven by the official client's ExecuteStateTransactionAsync and received by an app written with Dapr.AspNetCore.
/// </summary>
public sealed class OutboxTests : IDisposable
{
    private const string Store = "statestore";
    private const string AppId = "orders-app";
    private static readonly Dictionary<string, string> Json = new() { ["contentType"] = "application/json" };
    private readonly TempDir _data = new();

    static OutboxTests() => FaultyPubSub.Register();

    public void Dispose() => _data.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Dictionary<string, string> Resources(string kind, string pubsubType = "pubsub.in-memory", params (string, string)[] outbox)
    {
        (string, string)[] metadata = outbox.Length > 0 ? outbox : [("outboxPublishPubsub", "pubsub"), ("outboxPublishTopic", "orders")];
        return new Dictionary<string, string>
        {
            ["state.yaml"] = StateStores.Component(Store, kind, _data, metadata),
            ["pubsub.yaml"] = Yaml.Component("pubsub", pubsubType),
        };
    }

    private static Task<SubscriberApp> Subscriber(Func<HttpContext, IResult>? answer = null) =>
        SubscriberApp.StartAsync(a => a.MapPost("/orders", (HttpContext http) => answer?.Invoke(http) ?? Results.Ok()).WithTopic("pubsub", "orders"));

    private static StateTransactionRequest Upsert(string key, object value, Dictionary<string, string>? metadata = null, string? etag = null) =>
        new(key, JsonSerializer.SerializeToUtf8Bytes(value), StateOperationType.Upsert, etag, metadata ?? Json);

    private static async Task SettledAsync(TestSidecar dapr, FakeTimeProvider? time = null)
    {
        // Nothing queued or in delivery anywhere (the relay's wait for a marker included); a fake clock is moved on meanwhile.
        var inFlight = dapr.Sidecar.Context.Cluster.InFlight;
        for (var i = 0; i < 200 && !await inFlight.WaitIdleAsync(TimeSpan.FromMilliseconds(50), Ct); i++)
            time?.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(0, inFlight.Count);
    }

    [Theory]
    [MemberData(nameof(StateStores.Kinds), MemberType = typeof(StateStores))]
    public async Task Each_upsert_of_a_committed_transaction_arrives_as_a_CloudEvent_with_its_data_and_deletes_publish_nothing(string kind)
    {
        await using var app = await Subscriber();
        await using var dapr = await DeliveryTests.SidecarFor(app, AppId, Resources(kind));
        await dapr.Client.SaveStateAsync(Store, "old", new { id = "old" }, cancellationToken: Ct);

        await dapr.Client.ExecuteStateTransactionAsync(Store,
        [
            Upsert("o-1", new { id = "o-1", total = 5 }),
            Upsert("o-2", new { id = "o-2", total = 7 }),
            new StateTransactionRequest("old", null, StateOperationType.Delete),
        ], cancellationToken: Ct);

        var events = new[] { (await app.NextAsync("orders")).Json, (await app.NextAsync("orders")).Json };
        Assert.Equal(["o-1", "o-2"], events.Select(e => (string?)e["data"]!["id"]).Order());
        foreach (var e in events)
        {
            Assert.StartsWith("outbox-", (string?)e["id"]);
            Assert.Equal(AppId, (string?)e["source"]);
            Assert.Equal("com.dapr.event.sent", (string?)e["type"]);
            Assert.Equal("orders", (string?)e["topic"]);
            Assert.Equal("pubsub", (string?)e["pubsubname"]);
            Assert.Equal("application/json", (string?)e["datacontenttype"]);
            Assert.Equal("1.0", (string?)e["specversion"]);
        }
        Assert.NotEqual((string?)events[0]["id"], (string?)events[1]["id"]);
        Assert.Equal(7, (await dapr.Client.GetStateAsync<JsonElement>(Store, "o-2", cancellationToken: Ct)).GetProperty("total").GetInt32());
        Assert.Equal(JsonValueKind.Undefined, (await dapr.Client.GetStateAsync<JsonElement>(Store, "old", cancellationToken: Ct)).ValueKind);

        await SettledAsync(dapr);
        Assert.False(app.TryNext("orders", out _)); // the delete published nothing
        Assert.True(dapr.Sidecar.Context.Components.TryGet<ShopDapr.DevSidecar.State.IStateStore>(Store, out var store));
        foreach (var e in events)
            Assert.Null(await store.GetAsync((string)e["id"]!, Ct)); // each marker removed once its event was out
    }

    [Fact]
    public async Task Operation_metadata_becomes_cloud_event_fields_except_id_and_data_and_has_no_cloudevent_prefix()
    {
        await using var app = await Subscriber();
        await using var dapr = await DeliveryTests.SidecarFor(app, AppId, Resources(StateStores.InMemory));
        var metadata = new Dictionary<string, string>(Json)
        {
            ["type"] = "OrderPlaced", ["source"] = "orders", ["subject"] = "o-1", ["shop-field"] = "abc",
            ["id"] = "forced", ["data"] = "forced", ["cloudevent.type"] = "Ignored",
        };

        await dapr.Client.ExecuteStateTransactionAsync(Store, [Upsert("o-1", new { id = "o-1" }, metadata)], cancellationToken: Ct);

        var e = (await app.NextAsync("orders")).Json;
        Assert.Equal("OrderPlaced", (string?)e["type"]);
        Assert.Equal("orders", (string?)e["source"]);
        Assert.Equal("o-1", (string?)e["subject"]);
        Assert.Equal("abc", (string?)e["shop-field"]);
        Assert.Equal("Ignored", (string?)e["cloudevent.type"]); // a field of that very name, as daprd writes it
        Assert.StartsWith("outbox-", (string?)e["id"]);
        Assert.Equal("o-1", (string?)e["data"]!["id"]);
    }

    [Theory]
    [MemberData(nameof(StateStores.Kinds), MemberType = typeof(StateStores))]
    public async Task A_projection_is_what_is_published_while_the_first_upsert_is_what_is_stored(string kind)
    {
        await using var app = await Subscriber();
        await using var dapr = await DeliveryTests.SidecarFor(app, AppId, Resources(kind));

        await dapr.Client.ExecuteStateTransactionAsync(Store,
        [
            Upsert("o-1", new { id = "o-1", card = "4242", total = 5 }),
            Upsert("o-1", new { id = "o-1", total = 5 }, new Dictionary<string, string>(Json) { ["outbox.projection"] = "true" }),
        ], cancellationToken: Ct);

        var e = (await app.NextAsync("orders")).Json;
        Assert.Null(e["data"]!["card"]);
        Assert.Equal(5, (int?)e["data"]!["total"]);
        var stored = await dapr.Client.GetStateAsync<JsonElement>(Store, "o-1", cancellationToken: Ct);
        Assert.Equal("4242", stored.GetProperty("card").GetString());
        await SettledAsync(dapr);
        Assert.False(app.TryNext("orders", out _)); // one event for the key, not one per operation
    }

    [Fact]
    public async Task Without_a_content_type_the_data_is_published_as_text()
    {
        await using var app = await Subscriber();
        await using var dapr = await DeliveryTests.SidecarFor(app, AppId, Resources(StateStores.InMemory));

        await dapr.Client.ExecuteStateTransactionAsync(Store,
            [new StateTransactionRequest("k", Encoding.UTF8.GetBytes("2"), StateOperationType.Upsert)], cancellationToken: Ct);

        var e = (await app.NextAsync("orders")).Json;
        Assert.Equal("text/plain", (string?)e["datacontenttype"]);
        Assert.Equal("2", (string?)e["data"]);
    }

    [Theory]
    [MemberData(nameof(StateStores.Kinds), MemberType = typeof(StateStores))]
    public async Task A_transaction_that_fails_publishes_nothing_to_the_topic(string kind)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = new SidecarCluster { Time = time };
        await using var app = await Subscriber();
        await using var dapr = await DeliveryTests.SidecarFor(app, AppId, Resources(kind), cluster);
        await dapr.Client.SaveStateAsync(Store, "k", new { v = 1 }, cancellationToken: Ct);
        var (_, etag) = await dapr.Client.GetStateAndETagAsync<JsonElement>(Store, "k", cancellationToken: Ct);
        await dapr.Client.SaveStateAsync(Store, "k", new { v = 2 }, cancellationToken: Ct);

        await Assert.ThrowsAnyAsync<DaprException>(() => dapr.Client.ExecuteStateTransactionAsync(Store,
            [Upsert("new", new { id = "new" }), Upsert("k", new { v = 3 }, etag: etag)], cancellationToken: Ct));

        await SettledAsync(dapr, time); // the relay waited daprd's 1 s + 10 s for the marker, then gave the message up
        Assert.False(app.TryNext("orders", out _));
        Assert.Equal(JsonValueKind.Undefined, (await dapr.Client.GetStateAsync<JsonElement>(Store, "new", cancellationToken: Ct)).ValueKind);

        await dapr.Client.ExecuteStateTransactionAsync(Store, [Upsert("after", new { id = "after" })], cancellationToken: Ct);
        Assert.Equal("after", (string?)(await app.NextAsync("orders")).Json["data"]!["id"]);
    }

    [Theory]
    [MemberData(nameof(StateStores.Kinds), MemberType = typeof(StateStores))]
    public async Task When_the_broker_refuses_the_internal_message_the_transaction_fails_and_stores_nothing(string kind)
    {
        await using var app = await Subscriber();
        await using var dapr = await DeliveryTests.SidecarFor(app, AppId, Resources(kind, FaultyPubSub.Type));
        Assert.True(dapr.Sidecar.Context.Components.TryGet<ShopDapr.DevSidecar.PubSub.IPubSub>("pubsub", out var pubsub));
        ((FaultyPubSub)pubsub).Fail(topic => topic.EndsWith("outbox", StringComparison.Ordinal));

        var e = await Assert.ThrowsAnyAsync<DaprException>(() => dapr.Client.ExecuteStateTransactionAsync(Store,
            [Upsert("o-1", new { id = "o-1" })], cancellationToken: Ct));

        Assert.Contains("error while publishing outbox message", e.InnerException?.Message ?? e.Message);
        Assert.Equal(JsonValueKind.Undefined, (await dapr.Client.GetStateAsync<JsonElement>(Store, "o-1", cancellationToken: Ct)).ValueKind);
        await SettledAsync(dapr);
        Assert.False(app.TryNext("orders", out _));
    }

    [Fact]
    public async Task An_outbox_event_the_subscriber_keeps_failing_goes_to_the_subscriptions_dead_letter_topic()
    {
        await using var app = await SubscriberApp.StartAsync(a =>
        {
            a.MapPost("/orders", () => Results.StatusCode(500))
                .WithTopic(new TopicOptions { PubsubName = "pubsub", Name = "orders", DeadLetterTopic = "deadletter" });
            a.MapPost("/dead", () => Results.Ok()).WithTopic("pubsub", "deadletter");
        });
        await using var dapr = await DeliveryTests.SidecarFor(app, AppId, Resources(StateStores.InMemory));

        await dapr.Client.ExecuteStateTransactionAsync(Store, [Upsert("o-1", new { id = "o-1" })], cancellationToken: Ct);

        var failed = (await app.NextAsync("orders")).Json;
        var dead = (await app.NextAsync("dead")).Json;
        Assert.Equal((string?)failed["id"], (string?)dead["id"]);
        Assert.Equal("o-1", (string?)dead["data"]!["id"]);
    }

    [Fact]
    public async Task A_subscriber_that_fails_gets_the_outbox_event_again_with_the_same_id_from_a_redelivering_broker()
    {
        var attempts = 0;
        await using var app = await Subscriber(_ => Interlocked.Increment(ref attempts) == 1 ? Results.StatusCode(500) : Results.Ok());
        var resources = Resources(StateStores.Sqlite);
        resources["pubsub.yaml"] = Yaml.Component("pubsub", "pubsub.redis",
            [.. StateStores.RedisMetadata(), ("processingTimeout", "500ms"), ("redeliverInterval", "200ms")]);
        await using var dapr = await DeliveryTests.SidecarFor(app, AppId, resources);

        await dapr.Client.ExecuteStateTransactionAsync(Store, [Upsert("o-1", new { id = "o-1" })], cancellationToken: Ct);

        var first = (await app.NextAsync("orders")).Json;
        var second = (await app.NextAsync("orders")).Json;
        Assert.StartsWith("outbox-", (string?)first["id"]);
        Assert.Equal((string?)first["id"], (string?)second["id"]); // the same event: subscribers de-duplicate by it
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task An_event_whose_publish_to_the_topic_fails_is_published_again_from_the_internal_topic_and_not_lost()
    {
        await using var app = await Subscriber();
        var resources = Resources(StateStores.Sqlite, FaultyPubSub.Type,
            ("outboxPublishPubsub", "pubsub"), ("outboxPublishTopic", "orders"), ("outboxPubsub", "internal"));
        resources["internal.yaml"] = Yaml.Component("internal", "pubsub.redis",
            [.. StateStores.RedisMetadata(), ("processingTimeout", "500ms"), ("redeliverInterval", "200ms")]);
        await using var dapr = await DeliveryTests.SidecarFor(app, AppId, resources);
        Assert.True(dapr.Sidecar.Context.Components.TryGet<ShopDapr.DevSidecar.PubSub.IPubSub>("pubsub", out var pubsub));
        var broker = (FaultyPubSub)pubsub;
        broker.Fail(topic => topic == "orders", times: 2);

        await dapr.Client.ExecuteStateTransactionAsync(Store, [Upsert("o-1", new { id = "o-1" })], cancellationToken: Ct);

        var e = (await app.NextAsync("orders")).Json; // after two refused publishes
        Assert.Equal("o-1", (string?)e["data"]!["id"]);
        Assert.Equal(2, broker.Refused);
        Assert.True(dapr.Sidecar.Context.Components.TryGet<ShopDapr.DevSidecar.State.IStateStore>(Store, out var store));
        await Eventually.TrueAsync(async () => await store.GetAsync((string)e["id"]!, Ct) is null, SubscriberApp.Deadline, "the marker removed");
        Assert.False(app.TryNext("orders", out _));
    }

    private async Task<TestSidecar> ShopLocalStoresAsync(SubscriberApp app, string appId)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "ShopDapr.sln")))
            root = root.Parent!;
        var yaml = (await File.ReadAllTextAsync(Path.Combine(root.FullName, "components/local/statestore.yaml"), Ct))
            .Replace("../../.data/shop.db", _data.File("shop.db"), StringComparison.Ordinal);
        return await DeliveryTests.SidecarFor(app, appId, new Dictionary<string, string>
        {
            ["statestore.yaml"] = yaml,
            ["pubsub.yaml"] = Yaml.Component("pubsub", "pubsub.in-memory"),
        });
    }

    [Theory]
    [InlineData("cart")]
    [InlineData("identity")]
    public async Task The_shops_local_yaml_gives_cart_and_identity_an_outbox_store_on_user_behavior_over_the_same_keys(string appId)
    {
        await using var app = await SubscriberApp.StartAsync(a => a.MapPost("/behavior", () => Results.Ok()).WithTopic("pubsub", "user-behavior"));
        await using var dapr = await ShopLocalStoresAsync(app, appId);

        await dapr.Client.ExecuteStateTransactionAsync("statestore-user-behavior",
        [
            Upsert("k", new { what = "event" }, new Dictionary<string, string>(Json) { ["outbox.projection"] = "true" }),
            Upsert("k", new { what = "state" }, new Dictionary<string, string>(Json) { ["type"] = "ItemAddedToCart" }),
        ], cancellationToken: Ct);

        var e = (await app.NextAsync("behavior")).Json;
        Assert.Equal(("ItemAddedToCart", "event"), ((string?)e["type"], (string?)e["data"]!["what"]));
        Assert.Equal("state", (await dapr.Client.GetStateAsync<JsonElement>("statestore", "k", cancellationToken: Ct)).GetProperty("what").GetString());
    }

    [Fact]
    public async Task The_shops_local_yaml_gives_other_apps_only_the_plain_store()
    {
        await using var app = await SubscriberApp.StartAsync(a => a.MapPost("/behavior", () => Results.Ok()).WithTopic("pubsub", "user-behavior"));
        await using var dapr = await ShopLocalStoresAsync(app, "ordering");

        Assert.True(dapr.Sidecar.Context.Components.TryGet<ShopDapr.DevSidecar.State.IStateStore>("statestore", out _));
        Assert.False(dapr.Sidecar.Context.Components.TryGet<ShopDapr.DevSidecar.State.IStateStore>("statestore-user-behavior", out _));
    }

    [Theory]
    [InlineData("outboxPublishPubsub", "pubsub", "outboxPublishTopic")]
    [InlineData("outboxPublishTopic", "orders", "outboxPublishPubsub")]
    public async Task Half_an_outbox_stops_start_up_naming_the_file_and_the_missing_field(string field, string value, string missing)
    {
        var e = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(Resources(StateStores.InMemory, outbox: [(field, value)])));

        Assert.EndsWith("state.yaml", e.File);
        Assert.Equal($"spec.metadata.{missing}", e.Field);
    }

    [Theory]
    [InlineData("outboxPublishPubsub")]
    [InlineData("outboxPubsub")]
    public async Task An_outbox_naming_a_pubsub_the_app_does_not_have_stops_start_up(string field)
    {
        (string, string)[] outbox = field == "outboxPubsub"
            ? [("outboxPublishPubsub", "pubsub"), ("outboxPublishTopic", "orders"), ("outboxPubsub", "nowhere")]
            : [("outboxPublishPubsub", "nowhere"), ("outboxPublishTopic", "orders")];

        var e = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(Resources(StateStores.InMemory, outbox: outbox)));

        Assert.EndsWith("state.yaml", e.File);
        Assert.Equal($"spec.metadata.{field}", e.Field);
        Assert.Contains("'nowhere'", e.Message);
    }
}
