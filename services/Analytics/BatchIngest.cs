using Dapr;
using ShopDapr.Analytics.Infrastructure;
using ShopDapr.ServiceDefaults.Events;

namespace ShopDapr.Analytics;

/// <summary>What one delivered event asks of its batch's unit of work: a change, nothing (acknowledged as it is), or a drop (malformed).</summary>
public sealed record EventPlan(EventChange? Change, bool Malformed)
{
    public static EventPlan Drop { get; } = new(null, true);
    public static EventPlan Nothing { get; } = new(null, false);
    public static EventPlan Of(EventChange change) => new(change, false);
}

/// <summary>
/// Applies a delivered batch of one event type as one unit of work (<see cref="AnalyticsStore.ApplyEachOnceAsync"/>):
/// <see cref="BehaviorIngest"/> and <see cref="FraudIngest"/> plan their part of every event (each from one read), and
/// one read and one transaction apply them all, instead of a unit per event and ingest whose reads, transaction and
/// retries on the shop-wide trending buckets cost more than the event. Each event's reply: dropped when an ingest found
/// it malformed (the other's change is still applied), retried when the unit could not be applied (nothing of it is
/// stored; redelivery skips what an earlier unit applied), acknowledged otherwise.
/// </summary>
public sealed partial class BatchIngest(BehaviorIngest behaviour, FraudIngest fraud, AnalyticsStore store, ILogger<BatchIngest> logger)
{
    /// <summary>At most this many events in one unit of work, so one transaction stays bounded whatever a sidecar delivers.</summary>
    public const int MaxEventsPerUnit = 100;

    /// <summary>The reply to each event of <paramref name="batch"/>, in order.</summary>
    public async Task<IReadOnlyList<SubscriptionReply>> ApplyAsync<T>(IReadOnlyList<(T Data, string Id)> batch, CancellationToken cancellationToken)
        where T : class
    {
        var replies = new List<SubscriptionReply>(batch.Count);
        foreach (var unit in batch.Chunk(MaxEventsPerUnit))
            replies.AddRange(await ApplyUnitAsync<T>([.. unit.Select(e => ((object)e.Data, e.Id))], cancellationToken));
        return replies;
    }

    private async Task<IReadOnlyList<SubscriptionReply>> ApplyUnitAsync<T>(IReadOnlyList<(object Event, string EventId)> events, CancellationToken cancellationToken)
    {
        var plans = new List<IReadOnlyList<EventPlan>>();
        var planners = (FraudIngest.Only<T>() ? 0 : 1) + (FraudIngest.Reads<T>() ? 1 : 0);
        try
        {
            if (!FraudIngest.Only<T>())
                plans.Add(await behaviour.PlanAsync(events, cancellationToken));
            if (FraudIngest.Reads<T>())
                plans.Add(await fraud.PlanAsync(events, cancellationToken));
            var changes = Enumerable.Range(0, events.Count).SelectMany(i => plans.Select(p => p[i].Change)).OfType<EventChange>().ToList();
            if (changes.Count > 0)
                await store.ApplyEachOnceAsync(changes, cancellationToken);
            return [.. Enumerable.Range(0, events.Count).Select(i => plans.Any(p => p[i].Malformed) ? SubscriptionReply.Drop : SubscriptionReply.Success)];
        }
        catch (Exception e) when (e is StateConflictException or DaprException)
        {
            LogRetry(logger, typeof(T).Name, events.Count, events[0].EventId, e);
            // An event with a change of either ingest (or not fully planned) is retried; one with none keeps its reply.
            return [.. Enumerable.Range(0, events.Count).Select(i =>
                plans.Count < planners || plans.Any(p => p[i].Change is not null) ? SubscriptionReply.Retry
                : plans.Any(p => p[i].Malformed) ? SubscriptionReply.Drop
                : SubscriptionReply.Success)];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not apply a batch of {Events} {EventType} event(s) from {EventId} now; asking for redelivery")]
    private static partial void LogRetry(ILogger logger, string eventType, int events, string eventId, Exception exception);
}
