using System.Collections.Concurrent;
using System.Text.Json;
using Dapr;
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
/// stored, then published to <c>order-events</c>; what a failed publish or a crash leaves behind, <see cref="OutboxRelay"/>
/// publishes later (consumers de-duplicate by event id). Keeping an order listed while it is in flight, rather than
/// adding and removing it around every event, saves each event four state calls on the worklist's shared keys.
/// <para>
/// An event's <c>Published</c> mark is written lazily while its order is in flight: this process remembers what it
/// published, and the order's next append (which rewrites the stream anyway) carries the marks, so an event costs one
/// read-modify-write of the stream instead of two. The event that settles the order is marked at once, and so is what
/// the relay publishes or finds published here. If this process stops before a mark is written, the relay publishes that
/// event once more (at least once, as after any crash between a publish and its mark).
/// </para>
/// </summary>
public sealed partial class OrderEventStore(DaprClient dapr, IdLists lists, OrderEventPublisher publisher, OrderMetrics metrics, ILogger<OrderEventStore> logger) : IOrderEventLog
{
    private const string Store = ShopNames.Components.StateStore;
    private const int Attempts = 20;
    private static readonly StateOptions Guarded = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    /// <summary>How long a published event waits here for its mark before it is forgotten (its order settled elsewhere).</summary>
    private static readonly TimeSpan UnmarkedKept = TimeSpan.FromHours(1);

    /// <summary>Events this process has published whose stream does not say so yet, with when (<see cref="Environment.TickCount64"/>).</summary>
    private readonly ConcurrentDictionary<Guid, long> _publishedUnmarked = new();

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
            if (JoinsWorklist(stream))
                await lists.AddAsync(IdLists.OutboxOf(orderId), orderId, cancellationToken);
            var (appended, marked) = Next(stream, orderId, eventId, create);
            if (await dapr.TrySaveStateAsync(Store, Key(orderId), appended, etag ?? "", Guarded, cancellationToken: cancellationToken))
            {
                Forget(marked);
                metrics.Stored(appended);
                LogAppended(logger, appended.Events[^1].Type, orderId, appended.Events[^1].Version);
                await PublishAsync(appended, markNow: IsSettled(appended), cancellationToken);
                return appended.Events[^1].Version;
            }
            LogConflict(logger, orderId, attempt);
        }
        throw new StateConflictException(Key(orderId));
    }

    /// <summary>
    /// Stores an order's first event together with its three index entries (the outbox worklist, which every first event
    /// joins before it is stored; the head pages of the admin's index and of the customer's list, at most 100 orders each
    /// however many were placed before): the four keys read in one bulk read and written
    /// in one state transaction, each guarded by its ETag, then the event published. Two state calls where four separate
    /// read-modify-writes took eight; and no order is ever stored without its index entries. A repeat writes only what is
    /// missing (nothing once an attempt got through); a key changed by someone else in between retries the whole.
    /// </summary>
    /// <returns>The event's version in the stream.</returns>
    public async Task<long> SubmitAsync(Guid orderId, string customerId, DateTimeOffset placedAt, Func<long, IOrderEvent> create, CancellationToken cancellationToken)
    {
        string[] keys = [Key(orderId), IdLists.OutboxOf(orderId), IdLists.AllOrdersOf(orderId), IdLists.OfCustomer(customerId)];
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var read = await ReadAllAsync(keys, cancellationToken);
            var stream = Parse<OrderStream>(read[keys[0]].Json);
            var existing = stream?.Events.FirstOrDefault(e => e.EventId == orderId);
            var (appended, marked) = existing is null ? Next(stream, orderId, orderId, create) : (null, []);
            var version = existing?.Version ?? appended!.Events[^1].Version;
            var writes = new List<StateTransactionRequest>();
            void Write<T>(string key, T? value) where T : class
            {
                if (value is not null)
                    writes.Add(new(key, JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web), StateOperationType.Upsert, read[key].ETag, options: Guarded));
            }
            Write(keys[0], appended);
            if (appended is not null && JoinsWorklist(stream))
                Write(keys[1], IdLists.WithId(Parse<IdList>(read[keys[1]].Json), orderId));
            // The indexes' head pages (bounded); a full one is frozen under its own key in the same transaction.
            foreach (var index in keys[2..])
            {
                if (OrderIndex.Append(index, Parse<OrderIndexPage>(read[index].Json), orderId, placedAt) is not { } entry)
                    continue;
                Write(index, entry.Head);
                if (entry.Frozen is { } frozen)
                    writes.Add(IdLists.Upsert(frozen.Key, frozen.Page, ""));
            }
            if (writes.Count == 0)
            {
                LogRepeat(logger, orderId, orderId);
                return version;
            }
            try
            {
                await dapr.ExecuteStateTransactionAsync(Store, writes, cancellationToken: cancellationToken);
            }
            catch (DaprException)
            {
                // The sidecar does not say which ETag failed: look. Nothing changed means the store itself failed.
                var now = await ReadAllAsync(keys, cancellationToken);
                if (keys.All(k => now[k].ETag == read[k].ETag))
                    throw;
                LogConflict(logger, orderId, attempt);
                await Task.Delay(StateContention.Backoff(attempt), cancellationToken);
                continue;
            }
            if (appended is not null)
            {
                Forget(marked);
                metrics.Stored(appended);
                LogAppended(logger, appended.Events[^1].Type, orderId, version);
                await PublishAsync(appended, markNow: false, cancellationToken);
            }
            return version;
        }
        throw new StateConflictException(Key(orderId));
    }

    /// <summary>Each key's JSON and ETag (both empty for a key that is not there), in one bulk read.</summary>
    private async Task<Dictionary<string, (string Json, string ETag)>> ReadAllAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var items = await dapr.GetBulkStateAsync(Store, keys, keys.Count, cancellationToken: cancellationToken);
        var read = keys.ToDictionary(k => k, _ => ("", ""), StringComparer.Ordinal);
        foreach (var item in items)
            read[item.Key] = (item.Value ?? "", item.ETag ?? "");
        return read;
    }

    private static T? Parse<T>(string json) where T : class =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Web);

    /// <summary>
    /// Publishes the order's events not yet marked published (the relay), in version order, marks them, and takes a settled
    /// order off the worklist. Returns false when a publish failed (the rest wait for the next pass); true when the stream
    /// is fully published.
    /// </summary>
    public async Task<bool> PublishPendingAsync(Guid orderId, CancellationToken cancellationToken) =>
        await ReadAsync(orderId, cancellationToken) is not { } stream || await PublishAsync(stream, markNow: true, cancellationToken);

    /// <summary>Forgets published events still unmarked after <see cref="UnmarkedKept"/> (called by the relay's pass).</summary>
    public void ForgetStaleUnmarked()
    {
        var before = Environment.TickCount64 - (long)UnmarkedKept.TotalMilliseconds;
        foreach (var (eventId, at) in _publishedUnmarked)
            if (at < before)
                _publishedUnmarked.TryRemove(eventId, out _);
    }

    /// <summary>
    /// Publishes, in version order, the stream's unmarked events this process has not published yet. With
    /// <paramref name="markNow"/> (the relay) or once the order is settled, the marks are written in one read-modify-write;
    /// otherwise they wait for the order's next append.
    /// </summary>
    private async Task<bool> PublishAsync(OrderStream stream, bool markNow, CancellationToken cancellationToken)
    {
        var orderId = stream.OrderId;
        var published = new List<Guid>();
        var complete = true;
        foreach (var pending in stream.Events.Where(e => !e.Published))
        {
            if (!_publishedUnmarked.ContainsKey(pending.EventId))
            {
                if (!await publisher.TryPublishAsync(pending.Decode(), cancellationToken))
                {
                    complete = false;
                    break;
                }
                _publishedUnmarked[pending.EventId] = Environment.TickCount64;
            }
            published.Add(pending.EventId);
        }
        var settled = IsSettled(stream);
        if (published.Count > 0 && (markNow || settled))
            await MarkPublishedAsync(orderId, published, cancellationToken);
        if (!complete || !settled)
            return complete;
        await lists.RemoveAsync(IdLists.OutboxOf(orderId), orderId, cancellationToken);
        // An append may have raced the removal (a delivery after completion): look once more, and list the order again.
        if ((await ReadAsync(orderId, cancellationToken))?.Events.Any(e => !e.Published) == true)
            await lists.AddAsync(IdLists.OutboxOf(orderId), orderId, cancellationToken);
        return true;
    }

    /// <summary>Completed, cancelled or delivered: no event is expected soon (a delivery lists the order again).</summary>
    private static bool IsSettled(OrderStream stream) =>
        stream.Events.Count > 0 && stream.Events[^1].Type is nameof(OrderCompleted) or nameof(OrderCancelled) or nameof(OrderDelivered);

    private async Task MarkPublishedAsync(Guid orderId, IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var (stream, etag) = await dapr.GetStateAndETagAsync<OrderStream?>(Store, Key(orderId), ConsistencyMode.Strong, cancellationToken: cancellationToken);
            if (stream is null || stream.Events.All(e => e.Published || !eventIds.Contains(e.EventId)))
            {
                Forget(eventIds);
                return;
            }
            var updated = stream with { Events = [.. stream.Events.Select(e => e.Published || !eventIds.Contains(e.EventId) ? e : e with { Published = true })] };
            if (await dapr.TrySaveStateAsync(Store, Key(orderId), updated, etag ?? "", Guarded, cancellationToken: cancellationToken))
            {
                Forget(eventIds);
                return;
            }
        }
        throw new StateConflictException(Key(orderId));
    }

    /// <summary>
    /// The stream with the event <paramref name="create"/> makes at the next version appended, and with the marks of the
    /// events this process published since the last append (the stream is rewritten anyway); also which events it marked.
    /// </summary>
    private (OrderStream Appended, List<Guid> Marked) Next(OrderStream? stream, Guid orderId, Guid eventId, Func<long, IOrderEvent> create)
    {
        var version = (stream?.Events.Count ?? 0) + 1L;
        var e = create(version);
        if (e.EventId != eventId || e.OrderId != orderId || e.Version != version)
            throw new InvalidOperationException($"The event made for order {orderId} does not carry the id, order and version it was made for.");
        var events = new List<StoredOrderEvent>();
        var marked = new List<Guid>();
        foreach (var stored in stream?.Events ?? [])
        {
            if (stored.Published || !_publishedUnmarked.ContainsKey(stored.EventId))
            {
                events.Add(stored);
                continue;
            }
            events.Add(stored with { Published = true });
            marked.Add(stored.EventId);
        }
        events.Add(StoredOrderEvent.Encode(e));
        return (new OrderStream(orderId, events), marked);
    }

    /// <summary>
    /// A new order, or one settled that gets another event, joins the outbox worklist before the event is stored; an order
    /// in flight is listed already (it is only taken off once settled and fully published).
    /// </summary>
    private static bool JoinsWorklist(OrderStream? stream) => stream is null || IsSettled(stream);

    private void Forget(IEnumerable<Guid> eventIds)
    {
        foreach (var id in eventIds)
            _publishedUnmarked.TryRemove(id, out _);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Appended {EventType} to order {OrderId} as version {Version}")]
    private static partial void LogAppended(ILogger logger, string eventType, Guid orderId, long version);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {EventId} is already in order {OrderId}'s stream")]
    private static partial void LogRepeat(ILogger logger, Guid eventId, Guid orderId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Order {OrderId}'s stream changed concurrently (attempt {Attempt}); retrying")]
    private static partial void LogConflict(ILogger logger, Guid orderId, int attempt);
}
