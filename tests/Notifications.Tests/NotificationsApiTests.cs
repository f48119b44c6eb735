using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Notifications.Api;
using ShopDapr.Notifications.Infrastructure;
using ShopDapr.ServiceDefaults.Events;
using ShopDapr.Testing;

namespace ShopDapr.Notifications.Tests;

public sealed class NotificationsApiTests : IAsyncLifetime
{
    private NotificationsFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = await NotificationsFactory.StartAsync(Ct);
        _app.Sidecar();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_sidecar_is_told_one_route_per_customer_facing_event_a_default_route_and_the_dead_letter_topic()
    {
        var subscriptions = JsonSerializer.Deserialize<JsonElement>(await _app.Sidecar().GetStringAsync("/dapr/subscribe", Ct));
        var subscription = Assert.Single(subscriptions.EnumerateArray());
        Assert.Equal("pubsub", subscription.GetProperty("pubsubName").GetString());
        Assert.Equal("order-events", subscription.GetProperty("topic").GetString());
        Assert.Equal("deadletter", subscription.GetProperty("deadLetterTopic").GetString());
        var routes = subscription.GetProperty("routes");
        // Dapr.AspNetCore writes paths without the leading slash; daprd accepts both.
        Assert.Equal("events/order-events/other", routes.GetProperty("default").GetString()!.TrimStart('/'));
        var rules = routes.GetProperty("rules").EnumerateArray()
            .ToDictionary(r => r.GetProperty("match").GetString()!, r => r.GetProperty("path").GetString()!.TrimStart('/'));
        Assert.Equal(7, rules.Count);
        var bulk = subscription.GetProperty("bulkSubscribe");
        Assert.Equal((true, BulkBatches.MaxMessages, BulkBatches.MaxWaitMs),
            (bulk.GetProperty("enabled").GetBoolean(), bulk.GetProperty("maxMessagesCount").GetInt32(), bulk.GetProperty("maxAwaitDurationMs").GetInt32()));
        foreach (var type in Emails.OrderEmails.CustomerFacing)
            Assert.Equal($"events/order-events/{type}", rules[$"event.type == \"{type}\""]);
    }

    [Fact]
    public async Task An_event_delivered_twice_sends_one_email_file()
    {
        var e = Events.Submitted();
        for (var i = 0; i < 2; i++)
        {
            var (response, status) = await _app.DeliverAsync(e, cancellationToken: Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("SUCCESS", status);
        }
        var file = Assert.Single(_app.Mails());
        Assert.Equal($"{e.OrderId}-1-OrderSubmitted.eml", file);
        var mime = await File.ReadAllTextAsync(Path.Combine(_app.Mailbox, file), Ct);
        Assert.Contains("To: ada@example.com", mime);
        Assert.Contains("€1,259.50", mime);
        Assert.Single(_app.Requests);
        var request = _app.Requests[0];
        Assert.Equal(("mail", "create"), (request.Name, request.Operation));
        Assert.Equal("ada@example.com", request.Metadata["emailTo"]);
        Assert.StartsWith("We received your order", request.Metadata["subject"]);
    }

    [Fact]
    public async Task Concurrent_deliveries_of_one_event_send_one_email()
    {
        const int deliveries = 8;
        var e = Events.Paid();
        // Hold every delivery's marker write until all have arrived: they then race to mark at the same moment.
        var arrived = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _app.BeforeMarkerWrite = async () =>
        {
            if (Interlocked.Increment(ref arrived) >= deliveries)
                allArrived.TrySetResult();
            await allArrived.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        };
        var results = await Task.WhenAll(Enumerable.Range(0, deliveries).Select(_ => Task.Run(() => _app.DeliverAsync(e, cancellationToken: Ct), Ct)));
        // The one that marked first sends; the others find it sent (SUCCESS) or still sending (RETRY: asked again later).
        Assert.All(results, r => Assert.Contains(r.Status, new[] { "SUCCESS", "RETRY" }));
        Assert.Single(_app.Mails());
        Assert.Single(_app.Requests);

        // The redeliveries of those that were asked to retry find it sent.
        foreach (var _ in results.Where(r => r.Status == "RETRY"))
            Assert.Equal("SUCCESS", (await _app.DeliverAsync(e, cancellationToken: Ct)).Status);
        Assert.Single(_app.Mails());
        Assert.Single(_app.Requests);
        Assert.False(_app.Dapr.Read<NotificationMarker>(DedupeStore.Key(e.EventId))!.Sending);
    }

    [Fact]
    public async Task A_delivery_that_died_between_marking_and_sending_is_sent_by_the_redelivery_once_its_claim_is_stale()
    {
        var e = Events.Submitted();
        // What a delivery killed after its marker write leaves behind: the marker, Sending, older than ClaimAfter; no mail.
        var stale = new NotificationMarker(e.EventId, e.OrderId, nameof(OrderSubmitted), DateTimeOffset.UtcNow - TimeSpan.FromSeconds(31), Sending: true);
        await _app.Dapr.WriteAsync(DedupeStore.Key(e.EventId), stale, Ct);

        Assert.Equal("SUCCESS", (await _app.DeliverAsync(e, cancellationToken: Ct)).Status);
        Assert.Equal([$"{e.OrderId}-1-OrderSubmitted.eml"], _app.Mails());
        var marker = _app.Dapr.Read<NotificationMarker>(DedupeStore.Key(e.EventId))!;
        Assert.False(marker.Sending);
        Assert.True(marker.MarkedAt > stale.MarkedAt);

        Assert.Equal("SUCCESS", (await _app.DeliverAsync(e, cancellationToken: Ct)).Status);
        Assert.Single(_app.Mails());
        Assert.Single(_app.Requests);
    }

    [Fact]
    public async Task A_delivery_finding_the_event_being_sent_by_another_asks_for_redelivery_and_sends_nothing()
    {
        var e = Events.Paid();
        var fresh = new NotificationMarker(e.EventId, e.OrderId, nameof(OrderPaid), DateTimeOffset.UtcNow, Sending: true);
        await _app.Dapr.WriteAsync(DedupeStore.Key(e.EventId), fresh, Ct);
        var etag = _app.Dapr.ETag(DedupeStore.Key(e.EventId));

        Assert.Equal("RETRY", (await _app.DeliverAsync(e, cancellationToken: Ct)).Status);
        Assert.Empty(_app.Mails());
        Assert.Empty(_app.Requests);
        Assert.Equal(etag, _app.Dapr.ETag(DedupeStore.Key(e.EventId)));
    }

    [Fact]
    public async Task A_marker_written_before_markers_had_a_sending_state_reads_as_sent()
    {
        var e = Events.Shipped();
        await _app.Dapr.WriteAsync(DedupeStore.Key(e.EventId),
            new { eventId = e.EventId, orderId = e.OrderId, eventType = nameof(OrderShipped), markedAt = DateTimeOffset.UtcNow.AddDays(-1) }, Ct);

        Assert.Equal("SUCCESS", (await _app.DeliverAsync(e, cancellationToken: Ct)).Status);
        Assert.Empty(_app.Mails());
        Assert.Empty(_app.Requests);
    }

    [Fact]
    public async Task Each_step_of_an_order_gets_its_own_file()
    {
        var orderId = Guid.NewGuid();
        await _app.DeliverAsync(Events.Submitted(orderId), cancellationToken: Ct);
        await _app.DeliverAsync(Events.Paid(orderId), cancellationToken: Ct);
        await _app.DeliverAsync(Events.Shipped(orderId), cancellationToken: Ct);
        await _app.DeliverAsync(Events.Cancelled("changed my mind", true, orderId), cancellationToken: Ct);
        Assert.Equal(
            [$"{orderId}-1-OrderSubmitted.eml", $"{orderId}-3-OrderPaid.eml", $"{orderId}-4-OrderShipped.eml", $"{orderId}-5-OrderCancelled.eml"],
            _app.Mails());
    }

    [Fact]
    public async Task A_failed_send_removes_the_marker_and_asks_for_redelivery_which_then_sends_once()
    {
        var e = Events.Shipped();
        HttpResponseMessage failed;
        string? retry;
        using (_app.BreakMailbox())
            (failed, retry) = await _app.DeliverAsync(e, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        Assert.Equal("RETRY", retry);
        Assert.Empty(_app.Mails());
        Assert.Null(_app.Dapr.Read<NotificationMarker>(DedupeStore.Key(e.EventId)));

        Assert.Equal("SUCCESS", (await _app.DeliverAsync(e, cancellationToken: Ct)).Status);
        Assert.Equal("SUCCESS", (await _app.DeliverAsync(e, cancellationToken: Ct)).Status);
        Assert.Single(_app.Mails());
        Assert.NotNull(_app.Dapr.Read<NotificationMarker>(DedupeStore.Key(e.EventId)));
        Assert.Equal(2, _app.Requests.Count);
    }

    [Fact]
    public async Task Internal_steps_reaching_the_default_route_are_acknowledged_without_mail()
    {
        var (response, status) = await _app.DeliverAsync(Events.Reserved(), "/events/order-events/other", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("SUCCESS", status);
        Assert.Empty(_app.Mails());
        Assert.Empty(_app.Dapr.Snapshot());
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("ada@example.com\r\nBcc: all@example.com")]
    [InlineData("Ada <ada@example.com>")]
    [InlineData("")]
    public async Task An_event_without_a_usable_address_is_dropped_without_mail_or_marker(string email)
    {
        var (response, status) = await _app.DeliverAsync(Events.Submitted(email: email), cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DROP", status);
        Assert.Empty(_app.Mails());
        Assert.Empty(_app.Dapr.Snapshot());
    }

    [Theory]
    [InlineData("not an event")]
    [InlineData(42)]
    [InlineData(null)]
    [InlineData("""{"eventId":"nope"}""")]
    public async Task An_entry_whose_event_cannot_be_read_is_dropped_to_the_dead_letter_topic_never_a_5xx(object? data)
    {
        // DROP sends a poison message to the dead-letter topic at once, where RETRY would go round under the pub/sub
        // resiliency policy first.
        var payload = data is string json && json.StartsWith('{') ? JsonSerializer.Deserialize<JsonElement>(json) : data;
        var (response, status) = await _app.DeliverDataAsync(nameof(OrderPaid), payload, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DROP", status);
        Assert.Empty(_app.Mails());
        Assert.Empty(_app.Dapr.Snapshot());
    }

    [Theory]
    [InlineData("{")]
    [InlineData("")]
    [InlineData("[1]")]
    [InlineData("""{"entries":"nope"}""")]
    public async Task A_malformed_batch_is_answered_without_a_5xx_and_sends_nothing(string body)
    {
        var response = await _app.Sidecar().PostAsync("/events/order-events/OrderPaid", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        Assert.True((int)response.StatusCode < 500, await response.Content.ReadAsStringAsync(Ct));
        Assert.Empty(_app.Mails());
        Assert.Empty(_app.Dapr.Snapshot());
    }

    [Fact]
    public async Task An_event_without_ids_is_dropped()
    {
        var (_, status) = await _app.DeliverAsync(Events.Paid() with { EventId = Guid.Empty }, cancellationToken: Ct);
        Assert.Equal("DROP", status);
        Assert.Empty(_app.Mails());
    }

    [Fact]
    public async Task With_an_app_token_only_the_sidecar_may_deliver()
    {
        await using var app = await NotificationsFactory.StartAsync(Ct);
        app.Settings["APP_API_TOKEN"] = "app-token";
        app.Sidecar().WithoutAppToken();
        var (response, _) = await app.DeliverAsync(Events.Paid(), cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await response.ReadProblemAsync(Ct);
        Assert.Empty(app.Mails());
        app.Sidecar().DefaultRequestHeaders.Add("dapr-api-token", "app-token");
        Assert.Equal("SUCCESS", (await app.DeliverAsync(Events.Paid(), cancellationToken: Ct)).Status);
        Assert.Single(app.Mails());
    }

    [Fact]
    public async Task The_openapi_document_is_served_for_the_gateway_docs()
    {
        var response = await _app.CreateClient().GetAsync("/openapi/v1.json", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/events/order-events/OrderPaid", await response.Content.ReadAsStringAsync(Ct));
    }
}
