using System.Diagnostics;
using System.Text.Json;
using Dapr.AspNetCore;
using ShopDapr.ServiceDefaults.Events;
using ShopDapr.ServiceDefaults.Telemetry;

namespace ShopDapr.ServiceDefaults.Tests;

/// <summary>
/// A bulk delivery mixes events from many traces: each entry is handled in a consumer span of its own publisher's trace
/// (from the CloudEvent's <c>traceparent</c>), so what the handler calls joins that trace, not the delivery's.
/// </summary>
public sealed class EventTelemetryTests : IDisposable
{
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = s => s.Name == EventTelemetry.Name,
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };

    public EventTelemetryTests() => ActivitySource.AddActivityListener(_listener);

    public sealed record Ping(string Name);

    [Fact]
    public async Task Each_entry_of_a_bulk_delivery_is_handled_in_a_span_of_its_own_publishers_trace()
    {
        var (batch, first, second) = TwoTracesAndOneEntryWithout();
        using var delivery = new Activity("bulk delivery").SetIdFormat(ActivityIdFormat.W3C).Start();
        var seen = new List<(string Name, ActivityTraceId Trace, ActivitySpanId Parent, string? Kind)>();

        var reply = await BulkSubscriptionReply.EachAsync<Ping>(batch, ping =>
        {
            var current = Activity.Current!;
            seen.Add((ping.Name, current.TraceId, current.ParentSpanId, current.Kind.ToString()));
            return Task.FromResult(SubscriptionReply.Success);
        });

        Assert.All(reply.Statuses, s => Assert.Equal("SUCCESS", s.Status));
        Assert.Equal(
            [("a", first.Trace, first.Span, "Consumer"), ("b", second.Trace, second.Span, "Consumer"), ("c", delivery.TraceId, delivery.SpanId, "Consumer")],
            seen);
        Assert.Same(delivery, Activity.Current);
    }

    [Fact]
    public async Task A_batch_handled_as_one_gives_each_entry_a_span_of_its_own_publishers_trace_none_inside_another()
    {
        var (batch, first, second) = TwoTracesAndOneEntryWithout();
        using var delivery = new Activity("bulk delivery").SetIdFormat(ActivityIdFormat.W3C).Start();
        var started = new List<Activity>();
        _listener.ActivityStarted = started.Add;
        Activity? handledIn = null;

        var reply = await BulkSubscriptionReply.AllAsync<Ping>(batch, pings =>
        {
            handledIn = Activity.Current;
            return Task.FromResult<IReadOnlyList<SubscriptionReply>>([.. pings.Select(_ => SubscriptionReply.Success)]);
        });

        Assert.All(reply.Statuses, s => Assert.Equal("SUCCESS", s.Status));
        // The entry without a traceparent joins the delivery's trace, not the trace of the entry before it.
        Assert.Equal(
            [(first.Trace, first.Span), (second.Trace, second.Span), (delivery.TraceId, delivery.SpanId)],
            started.Select(a => (a.TraceId, a.ParentSpanId)));
        Assert.All(started, a => Assert.Equal(ActivityKind.Consumer, a.Kind));
        Assert.Same(delivery, handledIn);
        Assert.All(started, a => Assert.True(a.IsStopped));
    }

    /// <summary>A batch of three entries: two each from a publisher's trace of its own, the third with no traceparent.</summary>
    private static (BulkSubscribeMessage<JsonElement> Batch, (ActivityTraceId Trace, ActivitySpanId Span) First, (ActivityTraceId Trace, ActivitySpanId Span) Second) TwoTracesAndOneEntryWithout()
    {
        var first = (ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());
        var second = (ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());
        var batch = Batch(
            Entry("1", "a", $"00-{first.Item1}-{first.Item2}-01"),
            Entry("2", "b", $"00-{second.Item1}-{second.Item2}-01"),
            Entry("3", "c", traceParent: null));
        return (batch, first, second);
    }

    private static BulkSubscribeMessage<JsonElement> Batch(params BulkSubscribeMessageEntry<JsonElement>[] entries) =>
        new(entries.ToList(), "order-events", new Dictionary<string, string>());

    private static BulkSubscribeMessageEntry<JsonElement> Entry(string entryId, string name, string? traceParent)
    {
        var ce = new Dictionary<string, object?>
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["type"] = "Ping",
            ["topic"] = "order-events",
            ["time"] = DateTimeOffset.UtcNow.ToString("O"),
            ["data"] = new { name },
        };
        if (traceParent is not null)
            ce["traceparent"] = traceParent;
        return new BulkSubscribeMessageEntry<JsonElement>(entryId, "application/cloudevents+json", new Dictionary<string, string>(), JsonSerializer.SerializeToElement(ce));
    }

    public void Dispose() => _listener.Dispose();
}
