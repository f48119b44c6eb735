using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ShopDapr.DevSidecar.Tests.PubSub;

/// <summary>Publishing through the official client and over HTTP, and the CloudEvent the subscriber gets.</summary>
public sealed class PublishTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(TestSidecar Dapr, SubscriberApp App, TaskCompletionSource<Order> Typed)> StartAsync(string appId = "orders-app")
    {
        var typed = new TaskCompletionSource<Order>(TaskCreationOptions.RunContinuationsAsynchronously);
        var app = await SubscriberApp.StartAsync(a =>
        {
            a.MapPost("/orders", (Order o) => { typed.TrySetResult(o); return Results.Ok(); }).WithTopic(PubSubYaml.Pubsub, "orders");
            a.MapPost("/raw", () => Results.Ok()).WithTopic(PubSubYaml.Pubsub, "raw");
        });
        var dapr = await TestSidecar.StartAsync(PubSubYaml.InMemory(), appId, app.Channel);
        await dapr.Sidecar.Services.GetRequiredService<ShopDapr.DevSidecar.PubSub.Subscriptions.ISubscriptionView>().Discovered.WaitAsync(SubscriberApp.Deadline, Ct);
        return (dapr, app, typed);
    }

    [Fact]
    public async Task PublishEventAsync_delivers_a_cloud_event_with_daprd_fields_and_the_SDK_unwraps_the_data()
    {
        var (dapr, app, typed) = await StartAsync("checkout");
        await using var ownsDapr = dapr;
        await using var ownsApp = app;

        await dapr.Client.PublishEventAsync(PubSubYaml.Pubsub, "orders", new Order("o-1", 12.5m), Ct);

        var d = await app.NextAsync("orders");
        Assert.Equal("application/cloudevents+json", d.ContentType);
        Assert.Equal("pubsub", d.Headers["pubsubName"]);
        var ce = d.Json;
        Assert.True(Guid.TryParse((string?)ce["id"], out _));
        Assert.Equal("1.0", (string?)ce["specversion"]);
        Assert.Equal("application/json", (string?)ce["datacontenttype"]);
        Assert.Equal("checkout", (string?)ce["source"]);
        Assert.Equal("com.dapr.event.sent", (string?)ce["type"]);
        Assert.Equal("orders", (string?)ce["topic"]);
        Assert.Equal("pubsub", (string?)ce["pubsubname"]);
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", (string?)ce["traceparent"]);
        Assert.Equal((string?)ce["traceparent"], (string?)ce["traceid"]);
        Assert.Equal(((string)ce["traceparent"]!)[..35], d.Headers["traceparent"][..35]); // the app call continues the event's trace
        Assert.NotNull(ce["tracestate"]);
        Assert.True(DateTimeOffset.TryParse((string?)ce["time"], out _));
        Assert.Equal("o-1", (string?)ce["data"]!["id"]);
        Assert.False(ce.ContainsKey("expiration"));
        Assert.Equal(new Order("o-1", 12.5m), await typed.Task.WaitAsync(SubscriberApp.Deadline, Ct));
    }

    [Fact]
    public async Task Http_publish_puts_text_in_data_and_binary_in_data_base64()
    {
        var (dapr, app, _) = await StartAsync();
        await using var ownsDapr = dapr;
        await using var ownsApp = app;
        using var http = new HttpClient { BaseAddress = dapr.Sidecar.HttpEndpoint };

        var text = await http.PostAsync("v1.0/publish/pubsub/raw", new StringContent("hello", Encoding.UTF8, "text/plain"), Ct);
        Assert.Equal(HttpStatusCode.NoContent, text.StatusCode);
        var ce = (await app.NextAsync("raw")).Json;
        Assert.Equal("hello", (string?)ce["data"]);
        Assert.StartsWith("text/plain", (string?)ce["datacontenttype"]);

        var bytes = new ByteArrayContent([1, 2, 255]);
        bytes.Headers.ContentType = new("application/octet-stream");
        Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsync("v1.0/publish/pubsub/raw", bytes, Ct)).StatusCode);
        ce = (await app.NextAsync("raw")).Json;
        Assert.Equal(Convert.ToBase64String([1, 2, 255]), (string?)ce["data_base64"]);
        Assert.False(ce.ContainsKey("data"));
    }

    [Fact]
    public async Task Http_publish_of_a_cloud_event_keeps_its_fields_and_fills_the_missing_ones()
    {
        var (dapr, app, _) = await StartAsync("shop");
        await using var ownsDapr = dapr;
        await using var ownsApp = app;
        using var http = new HttpClient { BaseAddress = dapr.Sidecar.HttpEndpoint };
        var own = """{"id":"my-id","source":"elsewhere","type":"order.placed","specversion":"1.0","datacontenttype":"application/json","data":{"id":"o-2","total":3}}""";

        var response = await http.PostAsync("v1.0/publish/pubsub/raw", new StringContent(own, Encoding.UTF8, "application/cloudevents+json"), Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var ce = (await app.NextAsync("raw")).Json;
        Assert.Equal("my-id", (string?)ce["id"]);
        Assert.Equal("elsewhere", (string?)ce["source"]);
        Assert.Equal("order.placed", (string?)ce["type"]);
        Assert.Equal("raw", (string?)ce["topic"]);
        Assert.Equal("pubsub", (string?)ce["pubsubname"]);
        Assert.NotNull(ce["traceparent"]);
        Assert.NotNull(ce["time"]);
        Assert.Equal(3, (int)ce["data"]!["total"]!);
    }

    [Fact]
    public async Task Query_metadata_sets_the_ttl_and_overrides_cloud_event_fields()
    {
        var (dapr, app, _) = await StartAsync();
        await using var ownsDapr = dapr;
        await using var ownsApp = app;
        using var http = new HttpClient { BaseAddress = dapr.Sidecar.HttpEndpoint };
        var before = DateTimeOffset.UtcNow;

        var response = await http.PostAsJsonAsync(
            "v1.0/publish/pubsub/raw?metadata.ttlInSeconds=60&metadata.cloudevent.type=order.shipped&metadata.cloudevent.id=fixed-id&metadata.cloudevent.subject=s1",
            new { id = "o-3" }, Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var ce = (await app.NextAsync("raw")).Json;
        Assert.Equal("order.shipped", (string?)ce["type"]);
        Assert.Equal("fixed-id", (string?)ce["id"]);
        Assert.Equal("s1", (string?)ce["subject"]);
        var expiration = DateTimeOffset.Parse((string)ce["expiration"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiration, before.AddSeconds(59), before.AddSeconds(62));
    }

    [Fact]
    public async Task Raw_payload_publish_sends_the_body_unwrapped()
    {
        var (dapr, app, _) = await StartAsync();
        await using var ownsDapr = dapr;
        await using var ownsApp = app;
        using var http = new HttpClient { BaseAddress = dapr.Sidecar.HttpEndpoint };

        var response = await http.PostAsync("v1.0/publish/pubsub/raw?metadata.rawPayload=true",
            new StringContent("""{"id":"x","type":"raw.kind"}""", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var ce = (await app.NextAsync("raw")).Json;
        Assert.Equal("x", (string?)ce["id"]);
        Assert.Equal("raw.kind", (string?)ce["type"]);
        Assert.False(ce.ContainsKey("source")); // no envelope was added: the subscriber sees the publisher's bytes as they were
    }

    [Fact]
    public async Task Http_errors_match_daprd_codes()
    {
        await using var dapr = await TestSidecar.StartAsync(PubSubYaml.InMemory());
        using var http = new HttpClient { BaseAddress = dapr.Sidecar.HttpEndpoint };

        await AssertError(await http.PostAsJsonAsync("v1.0/publish/nope/t", new { }, Ct), HttpStatusCode.NotFound, "ERR_PUBSUB_NOT_FOUND", "pubsub nope is not found");
        await AssertError(await http.PostAsJsonAsync("v1.0/publish/pubsub/", new { }, Ct), HttpStatusCode.NotFound, "ERR_TOPIC_NAME_EMPTY", "topic is empty in pubsub pubsub");
        await AssertError(await http.PostAsJsonAsync("v1.0/publish/pubsub/t?metadata.rawPayload=maybe", new { }, Ct), HttpStatusCode.BadRequest, "ERR_PUBSUB_REQUEST_METADATA", null);
        await AssertError(await http.PostAsync("v1.0/publish/pubsub/t", new StringContent("not json", Encoding.UTF8, "application/cloudevents+json"), Ct),
            HttpStatusCode.BadRequest, "ERR_PUBSUB_CLOUD_EVENTS_SER", "cannot create cloudevent");
        await AssertError(await http.PostAsJsonAsync("v1.0-alpha1/publish/bulk/pubsub/t", new[] { new { entryId = "", @event = "a", contentType = "text/plain" } }, Ct),
            HttpStatusCode.BadRequest, "ERR_PUBSUB_EVENTS_SER", null);
    }

    [Fact]
    public async Task Grpc_errors_match_daprd_status_codes()
    {
        await using var dapr = await TestSidecar.StartAsync(PubSubYaml.InMemory());

        var notFound = await Assert.ThrowsAsync<DaprException>(() => dapr.Client.PublishEventAsync("nope", "t", new Order("a", 1), Ct));
        var rpc = Assert.IsType<RpcException>(notFound.InnerException);
        Assert.Equal(StatusCode.InvalidArgument, rpc.StatusCode);
        Assert.Equal("pubsub nope is not found", rpc.Status.Detail);

        // The SDK refuses an empty topic itself, so ask with the raw stub.
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(dapr.Sidecar.GrpcEndpoint);
        var raw = new Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient(channel);
        var empty = await Assert.ThrowsAsync<RpcException>(() =>
            raw.PublishEventAsync(new Dapr.Client.Autogen.Grpc.v1.PublishEventRequest { PubsubName = "pubsub", Topic = "" }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
        Assert.Equal("topic is empty in pubsub pubsub", empty.Status.Detail);
    }

    [Fact]
    public async Task BulkPublishEventAsync_and_http_bulk_publish_deliver_every_entry()
    {
        var (dapr, app, _) = await StartAsync();
        await using var ownsDapr = dapr;
        await using var ownsApp = app;
        using var http = new HttpClient { BaseAddress = dapr.Sidecar.HttpEndpoint };

        var result = await dapr.Client.BulkPublishEventAsync(PubSubYaml.Pubsub, "raw", new[] { new Order("b-1", 1), new Order("b-2", 2) }, cancellationToken: Ct);
        Assert.Empty(result.FailedEntries);
        foreach (var path in new[] { "v1.0-alpha1/publish/bulk/pubsub/raw", "v1.0/publish/bulk/pubsub/raw" })
        {
            var body = new object[]
            {
                new { entryId = "1", @event = new { id = "h-1" }, contentType = "application/json" },
                new { entryId = "2", @event = "plain", contentType = "text/plain" },
            };
            Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsJsonAsync(path, body, Ct)).StatusCode);
        }

        var seen = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var data = (await app.NextAsync("raw")).Json["data"]!;
            seen.Add(data is JsonObject o ? (string)o["id"]! : (string)data!);
        }
        Assert.Equal(["b-1", "b-2", "h-1", "h-1", "plain", "plain"], seen.Order());
    }

    [Fact]
    public async Task BulkPublishEventAlpha1_is_served_for_older_clients_and_rejects_duplicate_entry_ids()
    {
        var (dapr, app, _) = await StartAsync();
        await using var ownsDapr = dapr;
        await using var ownsApp = app;
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(dapr.Sidecar.GrpcEndpoint);
        var raw = new Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient(channel);
        Dapr.Client.Autogen.Grpc.v1.BulkPublishRequest Request(params string[] ids)
        {
            var r = new Dapr.Client.Autogen.Grpc.v1.BulkPublishRequest { PubsubName = "pubsub", Topic = "raw" };
            foreach (var id in ids)
                r.Entries.Add(new Dapr.Client.Autogen.Grpc.v1.BulkPublishRequestEntry { EntryId = id, Event = Google.Protobuf.ByteString.CopyFromUtf8(id), ContentType = "text/plain" });
            return r;
        }

#pragma warning disable CS0612 // the deprecated name is the point: clients fall back to it
        var ok = await raw.BulkPublishEventAlpha1Async(Request("alpha"), cancellationToken: Ct);
        var dup = await Assert.ThrowsAsync<RpcException>(() => raw.BulkPublishEventAlpha1Async(Request("x", "x"), cancellationToken: Ct).ResponseAsync);
#pragma warning restore CS0612

        Assert.Empty(ok.FailedEntries);
        Assert.Equal("alpha", (string?)(await app.NextAsync("raw")).Json["data"]);
        Assert.Equal(StatusCode.InvalidArgument, dup.StatusCode);
    }

    private static async Task AssertError(HttpResponseMessage response, HttpStatusCode status, string code, string? message)
    {
        Assert.Equal(status, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(code, body.GetProperty("errorCode").GetString());
        if (message is not null)
            Assert.Equal(message, body.GetProperty("message").GetString());
    }

    public sealed record Order(string Id, decimal Total);
}
