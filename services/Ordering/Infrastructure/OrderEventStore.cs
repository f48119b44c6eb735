using Dapr.Client;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Ordering.Domain;
using ShopDapr.Ordering.Workflows;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Ordering.Infrastructure;

/// <summary>
/// Each order's events in one state key (<c>order-{id}</c>), appended by ETag-guarded read-modify-write and
/// idempotent by event id. Reliable publication: the order is on the outbox worklist before its first event is stored
/// and stays there until it is settled (completed, cancelled or delivered) with every event published; each event is
/// stored, then published to <c>order-events</c> and marked published; what a failed publish or a crash leaves behind,
/// <see cref="OutboxRelay"/> publishes later (consumers de-duplicate by event id). Keeping an order listed while it is
/// in flight, rather than adding and removing it around every event, saves each event four state calls on the
/// worklist's shared keys.
/// </summary>
public sealed partial class OrderEventStore(DaprClient dapr, IdLists lists, OrderEventPublisher publisher, ILogger<OrderEventStore> logger) : IOrderEventLog
{
    private const string Store = ShopNames.Components.StateStore;
    private const int Attempts = 20;
    private static readonly StateOptions Guarded = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    internal static string Key(Guid orderId) => $"order-{orderId}";

    public async Task<OrderStream?> ReadAsync(Guid orderId, CancellationToken cancellationToken) =>
        await dapr.GetStateAsync<OrderStream?>(Store, Key(orderId), ConsistencyMode.Strong, cancellationToken: cancellationToken);

    public async Task<Order?> LoadAsync(Guid orderId, CancellationToken cancellationToken) =>
        await ReadAsync(orderId, cancellationToken) is { } stream ? Order.Rebuild(stream.Decoded()) : null;

    public async Task<long> AppendAsync(Guid orderId, Guid eventId, Func<long, IOrderEvent> create, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var (stream, etag) = await dapr.GetStateAndETagAsync<OrderStream?>(Store, Key(orderId), ConsistencyMode.Strong, cancellationToken: cancellationToken);
            if (stream?.Events.FirstOrDefault(e => e.EventId == eventId) is { } existing)
            {
                LogRepeat(logger, eventId, orderId);
                return existing.Version;
            }
            // The worklist entry goes first: if we stop between storing and publishing, the relay still finds the event.
            // An order in flight (not settled) is listed already: it is only taken off once settled and fully published.
            if (stream is null || IsSettled(stream))
                await lists.AddAsync(IdLists.OutboxOf(orderId), orderId, cancellationToken);
            var version = (stream?.Events.Count ?? 0) + 1L;
            var e = create(version);
            if (e.EventId != eventId || e.OrderId != orderId || e.Version != version)
                throw new InvalidOperationException($"The event made for order {orderId} does not carry the id, order and version it was made for.");
            var appended = new OrderStream(orderId, [.. stream?.Events ?? [], StoredOrderEvent.Encode(e)]);
            if (await dapr.TrySaveStateAsync(Store, Key(orderId), appended, etag ?? "", Guarded, cancellationToken: cancellationToken))
            {
                LogAppended(logger, e.GetType().Name, orderId, version);
                await PublishAsync(appended, cancellationToken);
                return version;
            }
            LogConflict(logger, orderId, attempt);
        }
        throw new StateConflictException(Key(orderId));
    }

    /// <summary>
    /// Publishes the order's events not yet marked published, in version order, marking each after its publish, and takes
    /// a settled order off the worklist. Returns false when a publish failed (the rest wait for the relay); true when the
    /// stream is fully published.
    /// </summary>
    public async Task<bool> PublishPendingAsync(Guid orderId, CancellationToken cancellationToken) =>
        await ReadAsync(orderId, cancellationToken) is not { } stream || await PublishAsync(stream, cancellationToken);

    private async Task<bool> PublishAsync(OrderStream stream, CancellationToken cancellationToken)
    {
        var orderId = stream.OrderId;
        foreach (var pending in stream.Events.Where(e => !e.Published))
        {
            if (!await publisher.TryPublishAsync(pending.Decode(), cancellationToken))
                return false;
            await MarkPublishedAsync(orderId, pending.EventId, cancellationToken);
        }
        if (!IsSettled(stream))
            return true;
        await lists.RemoveAsync(IdLists.OutboxOf(orderId), orderId, cancellationToken);
        // An append may have raced the removal (a delivery after completion): look once more, and list the order again.
        if ((await ReadAsync(orderId, cancellationToken))?.Events.Any(e => !e.Published) == true)
            await lists.AddAsync(IdLists.OutboxOf(orderId), orderId, cancellationToken);
        return true;
    }

    /// <summary>Completed, cancelled or delivered: no event is expected soon (a delivery lists the order again).</summary>
    private static bool IsSettled(OrderStream stream) =>
        stream.Events.Count > 0 && stream.Events[^1].Type is nameof(OrderCompleted) or nameof(OrderCancelled) or nameof(OrderDelivered);

    private async Task MarkPublishedAsync(Guid orderId, Guid eventId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var (stream, etag) = await dapr.GetStateAndETagAsync<OrderStream?>(Store, Key(orderId), ConsistencyMode.Strong, cancellationToken: cancellationToken);
            if (stream is null || stream.Events.All(e => e.EventId != eventId || e.Published))
                return;
            var marked = stream with { Events = [.. stream.Events.Select(e => e.EventId == eventId ? e with { Published = true } : e)] };
            if (await dapr.TrySaveStateAsync(Store, Key(orderId), marked, etag ?? "", Guarded, cancellationToken: cancellationToken))
                return;
        }
        throw new StateConflictException(Key(orderId));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Appended {EventType} to order {OrderId} as version {Version}")]
    private static partial void LogAppended(ILogger logger, string eventType, Guid orderId, long version);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {EventId} is already in order {OrderId}'s stream")]
    private static partial void LogRepeat(ILogger logger, Guid eventId, Guid orderId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Order {OrderId}'s stream changed concurrently (attempt {Attempt}); retrying")]
    private static partial void LogConflict(ILogger logger, Guid orderId, int attempt);
}
