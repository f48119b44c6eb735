using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using ShopDapr.Contracts;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Ordering.Infrastructure;

namespace ShopDapr.Ordering.Tests;

/// <summary>The business instruments count each stored event once, by what it is.</summary>
public sealed class OrderMetricsTests : IDisposable
{
    private readonly IMeterFactory _meters = NewMeterFactory();
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, string? Outcome)> _measured = [];

    public OrderMetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == OrderMetrics.MeterName && instrument.Meter.Scope == _meters)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public static IMeterFactory NewMeterFactory() =>
        new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    [Fact]
    public void A_held_order_approved_and_completed_counts_placed_held_released_completed_and_its_duration()
    {
        var metrics = new OrderMetrics(_meters);
        var id = Guid.NewGuid();
        var start = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
        IOrderEvent[] saga =
        [
            new OrderSubmitted(Guid.NewGuid(), id, 1, "c", "c@example.com", start, [], 10m, "EUR", new Address("A", "1 St", "Town", "12345", "DE"), "4242"),
            new OrderAwaitingApproval(Guid.NewGuid(), id, 2, "c", "c@example.com", start.AddSeconds(1), 0.9, ["large"]),
            new StockReserved(Guid.NewGuid(), id, 3, "c", "c@example.com", start.AddSeconds(30)),
            new OrderCompleted(Guid.NewGuid(), id, 4, "c", "c@example.com", start.AddSeconds(42.5)),
        ];

        for (var n = 1; n <= saga.Length; n++)
            metrics.Stored(new OrderStream(id, [.. saga.Take(n).Select(StoredOrderEvent.Encode)]));

        Assert.Equal(
            [("shop.orders.placed", 1, null), ("shop.orders.awaiting_approval", 1, null), ("shop.orders.awaiting_approval", -1, null),
             ("shop.orders.completed", 1, null), ("shop.saga.duration", 42.5, "completed")],
            _measured);
    }

    [Fact]
    public void A_cancelled_order_counts_as_cancelled_with_its_duration()
    {
        var metrics = new OrderMetrics(_meters);
        var id = Guid.NewGuid();
        var start = DateTimeOffset.UnixEpoch;
        IOrderEvent[] saga =
        [
            new OrderSubmitted(Guid.NewGuid(), id, 1, "c", "c@example.com", start, [], 10m, "EUR", new Address("A", "1 St", "Town", "12345", "DE"), "4242"),
            new OrderCancelled(Guid.NewGuid(), id, 2, "c", "c@example.com", start.AddSeconds(3), "declined", Refunded: false),
        ];

        metrics.Stored(new OrderStream(id, [.. saga.Select(StoredOrderEvent.Encode)]));

        Assert.Equal([("shop.orders.cancelled", 1, null), ("shop.saga.duration", 3, "cancelled")], _measured);
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? outcome = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "outcome")
                outcome = tag.Value as string;
        }
        lock (_measured)
            _measured.Add((instrument.Name, value, outcome));
    }

    public void Dispose() => _listener.Dispose();
}
