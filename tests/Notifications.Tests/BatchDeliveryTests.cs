using System.Net;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Notifications.Infrastructure;

namespace ShopDapr.Notifications.Tests;

/// <summary>
/// A bulk delivery of several events is handled as one: their claims in one state transaction, their "sent" marks in
/// another, with each event's outcome what a delivery of it alone would have been.
/// </summary>
public sealed class BatchDeliveryTests : IAsyncLifetime
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
    public async Task A_batch_of_five_emails_takes_two_state_writes_and_sends_each_once()
    {
        var paid = Enumerable.Range(0, 5).Select(_ => Events.Paid()).ToList();

        var (response, statuses) = await _app.DeliverBatchAsync(nameof(OrderPaid), paid, cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Enumerable.Repeat("SUCCESS", 5), statuses!);
        Assert.Equal(paid.Select(p => $"{p.OrderId}-3-OrderPaid.eml").Order(StringComparer.Ordinal), _app.Mails());
        Assert.Equal(["ExecuteStateTransaction", "ExecuteStateTransaction"], _app.StateWrites);
        Assert.All(paid, p => Assert.False(_app.Dapr.Read<NotificationMarker>(DedupeStore.Key(p.EventId))!.Sending));
    }

    [Fact]
    public async Task A_redelivered_batch_and_a_batch_holding_one_event_twice_send_nothing_twice()
    {
        var first = Events.Paid();
        var second = Events.Paid();
        Assert.Equal(["SUCCESS", "SUCCESS", "SUCCESS"], (await _app.DeliverBatchAsync(nameof(OrderPaid), [first, second, first], cancellationToken: Ct)).Statuses!);
        Assert.Equal(2, _app.Mails().Length);

        // The whole batch again, with one new event: the claim of the batch fails on the marked ones, and each is claimed
        // on its own: the old ones are found sent, the new one is sent.
        var third = Events.Paid();
        Assert.Equal(["SUCCESS", "SUCCESS", "SUCCESS"], (await _app.DeliverBatchAsync(nameof(OrderPaid), [first, second, third], cancellationToken: Ct)).Statuses!);
        Assert.Equal(new[] { first, second, third }.Select(p => $"{p.OrderId}-3-OrderPaid.eml").Order(StringComparer.Ordinal), _app.Mails());
        Assert.Equal(3, _app.Requests.Count);
    }

    [Fact]
    public async Task A_batch_whose_sends_fail_leaves_no_marker_and_its_redelivery_sends_each_once()
    {
        var paid = Enumerable.Range(0, 3).Select(_ => Events.Paid()).ToList();
        using (_app.BreakMailbox())
            Assert.Equal(["RETRY", "RETRY", "RETRY"], (await _app.DeliverBatchAsync(nameof(OrderPaid), paid, cancellationToken: Ct)).Statuses!);
        Assert.Empty(_app.Mails());
        Assert.All(paid, p => Assert.Null(_app.Dapr.Read<NotificationMarker>(DedupeStore.Key(p.EventId))));

        Assert.Equal(["SUCCESS", "SUCCESS", "SUCCESS"], (await _app.DeliverBatchAsync(nameof(OrderPaid), paid, cancellationToken: Ct)).Statuses!);
        Assert.Equal(3, _app.Mails().Length);
    }

    [Fact]
    public async Task An_unreadable_or_unaddressable_entry_is_dropped_and_the_rest_of_its_batch_is_sent()
    {
        var good = Events.Submitted();
        var noAddress = Events.Submitted(email: "not-an-address");
        var other = Events.Submitted();

        var (_, statuses) = await _app.DeliverBatchAsync(nameof(OrderSubmitted), [good, "not an event", noAddress, other], cancellationToken: Ct);

        Assert.Equal(["SUCCESS", "DROP", "DROP", "SUCCESS"], statuses!);
        Assert.Equal(new[] { good, other }.Select(s => $"{s.OrderId}-1-OrderSubmitted.eml").Order(StringComparer.Ordinal), _app.Mails());
        Assert.Null(_app.Dapr.Read<NotificationMarker>(DedupeStore.Key(noAddress.EventId)));
    }
}
