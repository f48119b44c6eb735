using System.Diagnostics.Metrics;
using System.Text.Json;
using ShopDapr.Contracts.Ordering;

namespace ShopDapr.Ordering.Infrastructure;

/// <summary>
/// The shop's business figures as OpenTelemetry instruments (meter <c>ShopDapr.Ordering</c>), counted when an order's
/// event is first stored (a repeated delivery stores nothing and counts nothing): orders placed, completed and
/// cancelled; the saga's duration from submission to its end; and orders waiting for an admin's approval (an
/// up-down counter: each replica adds its holds and takes away the decisions it stored, so the sum over replicas is the
/// shop's queue; a restarted replica starts again from zero).
/// </summary>
public sealed class OrderMetrics
{
    public const string MeterName = "ShopDapr.Ordering";

    private readonly Counter<long> _placed;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _cancelled;
    private readonly Histogram<double> _sagaDuration;
    private readonly UpDownCounter<long> _awaitingApproval;

    public OrderMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _placed = meter.CreateCounter<long>("shop.orders.placed", unit: "{order}", description: "Orders submitted.");
        _completed = meter.CreateCounter<long>("shop.orders.completed", unit: "{order}", description: "Orders whose saga succeeded.");
        _cancelled = meter.CreateCounter<long>("shop.orders.cancelled", unit: "{order}", description: "Orders cancelled and compensated.");
        _sagaDuration = meter.CreateHistogram<double>("shop.saga.duration", unit: "s", description: "From an order's submission to its completion or cancellation.");
        _awaitingApproval = meter.CreateUpDownCounter<long>("shop.orders.awaiting_approval", unit: "{order}", description: "Orders held for an admin's decision.");
    }

    /// <summary>Counts the event that <paramref name="stream"/> ends with, which was just stored.</summary>
    public void Stored(OrderStream stream)
    {
        var events = stream.Events;
        if (events.Count == 0)
            return;
        if (events.Count > 1 && events[^2].Type == nameof(OrderAwaitingApproval))
            _awaitingApproval.Add(-1);
        switch (events[^1].Type)
        {
            case nameof(OrderSubmitted):
                _placed.Add(1);
                break;
            case nameof(OrderAwaitingApproval):
                _awaitingApproval.Add(1);
                break;
            case nameof(OrderCompleted):
                _completed.Add(1);
                RecordDuration(events, "completed");
                break;
            case nameof(OrderCancelled):
                _cancelled.Add(1);
                RecordDuration(events, "cancelled");
                break;
        }
    }

    private void RecordDuration(IReadOnlyList<StoredOrderEvent> events, string outcome)
    {
        if (OccurredAt(events[0]) is { } start && OccurredAt(events[^1]) is { } end)
            _sagaDuration.Record(Math.Max(0, (end - start).TotalSeconds), new KeyValuePair<string, object?>("outcome", outcome));
    }

    private static DateTimeOffset? OccurredAt(StoredOrderEvent e) =>
        e.Data.ValueKind == JsonValueKind.Object && e.Data.TryGetProperty("occurredAt", out var at) && at.TryGetDateTimeOffset(out var value)
            ? value
            : null;
}
