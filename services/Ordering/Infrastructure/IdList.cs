using Dapr;
using Dapr.Client;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Ordering.Infrastructure;

/// <summary>A list of order ids in one state key (newest last): an outbox worklist bucket (orders in flight only).</summary>
public sealed record IdList(IReadOnlyList<Guid> Ids);

/// <summary>
/// The order lists: ETag-guarded add/remove on the outbox's worklist buckets (<see cref="IdList"/>; adding an id already
/// present, or removing one absent, writes nothing), and the paged <see cref="OrderIndex"/>es of every order (the
/// admin's, in buckets) and of each customer's, read newest first as deep as a page asks.
/// </summary>
public sealed class IdLists(DaprClient dapr)
{
    private const string Store = ShopNames.Components.StateStore;
    private const int Attempts = 20;
    private static readonly StateOptions Guarded = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    /// <summary>
    /// The admin's index of every order is spread over this many keys by order id, as the outbox is: one key written by
    /// every checkout queued concurrent checkouts on its ETag (checkout p95 1.5 s at 32 orders/s; 250 ms without it).
    /// Each bucket is a paged <see cref="OrderIndex"/>: a checkout rewrites its head page only (at most 100 orders).
    /// </summary>
    public const int AllOrdersBuckets = 32;

    public static string AllOrdersOf(Guid orderId) => $"orders-all-{Bucket(orderId, AllOrdersBuckets)}";

    public static IEnumerable<string> AllOrdersKeys => Enumerable.Range(0, AllOrdersBuckets).Select(b => $"orders-all-{b}");

    /// <summary>
    /// The outbox worklist is spread over this many keys by order id: every event appended adds its order and every
    /// publish removes it, a dozen writes per order, so one key was the shop's hottest record (concurrent checkouts
    /// queued on its ETag). Each order always lands in the same bucket.
    /// </summary>
    public const int OutboxBuckets = 32;

    public static string OutboxOf(Guid orderId) => OutboxKey(Bucket(orderId, OutboxBuckets));

    private static int Bucket(Guid orderId, int buckets) => StateContention.BucketOf(orderId, buckets);

    public static IEnumerable<string> OutboxKeys => Enumerable.Range(0, OutboxBuckets).Select(OutboxKey);

    private static string OutboxKey(int bucket) => $"orders-outbox-{bucket}";

    public static string OfCustomer(string customerId) => $"orders-of-{customerId}";

    public async Task<IReadOnlyList<Guid>> ReadAsync(string key, CancellationToken cancellationToken) =>
        (await dapr.GetStateAsync<IdList?>(Store, key, ConsistencyMode.Strong, cancellationToken: cancellationToken))?.Ids ?? [];

    public Task AddAsync(string key, Guid id, CancellationToken cancellationToken) =>
        ChangeAsync<IdList>(key, list => WithId(list, id), cancellationToken);

    /// <summary>The list with <paramref name="id"/> added at the end; null when it holds the id already (nothing to write).</summary>
    public static IdList? WithId(IdList? list, Guid id) =>
        list?.Ids is { } ids && ids.Contains(id) ? null : new([.. list?.Ids ?? [], id]);

    public Task RemoveAsync(string key, Guid id, CancellationToken cancellationToken) =>
        ChangeAsync<IdList>(key, list => list?.Ids is { } ids && ids.Contains(id) ? new([.. ids.Where(i => i != id)]) : null, cancellationToken);

    /// <summary>
    /// Appends an order to a paged index (its head, and the frozen page when the head is full, in one transaction guarded
    /// by the head's ETag); a repeat writes nothing. A checkout does this inside its own transaction
    /// (<see cref="OrderEventStore.SubmitAsync"/>); this is the same step on its own.
    /// </summary>
    public async Task AppendAsync(string indexKey, Guid orderId, DateTimeOffset placedAt, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var (head, etag) = await dapr.GetStateAndETagAsync<OrderIndexPage?>(Store, indexKey, ConsistencyMode.Strong, cancellationToken: cancellationToken);
            if (OrderIndex.Append(indexKey, head, orderId, placedAt) is not { } appended)
                return;
            List<StateTransactionRequest> writes = [Upsert(indexKey, appended.Head, etag ?? "")];
            if (appended.Frozen is { } frozen)
                writes.Add(Upsert(frozen.Key, frozen.Page, ""));
            try
            {
                await dapr.ExecuteStateTransactionAsync(Store, writes, cancellationToken: cancellationToken);
                return;
            }
            catch (DaprException)
            {
                // The sidecar does not say which ETag failed: an unchanged head means the store itself failed.
                if (!await HeadChangedAsync(indexKey, etag, cancellationToken))
                    throw;
            }
            await Task.Delay(StateContention.Backoff(attempt), cancellationToken);
        }
        throw new StateConflictException(indexKey);
    }

    internal static StateTransactionRequest Upsert<T>(string key, T value, string etag) =>
        new(key, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value, System.Text.Json.JsonSerializerOptions.Web), StateOperationType.Upsert, etag, options: Guarded);

    private async Task<bool> HeadChangedAsync(string key, string? etag, CancellationToken cancellationToken) =>
        (await dapr.GetStateAndETagAsync<OrderIndexPage?>(Store, key, ConsistencyMode.Strong, cancellationToken: cancellationToken)).etag != etag;

    /// <summary>A customer's orders at [skip, skip + take) newest first, and how many they placed in all.</summary>
    public async Task<(IReadOnlyList<Guid> Ids, long Total)> ReadCustomerOrdersAsync(string customerId, int skip, int take, CancellationToken cancellationToken)
    {
        var key = OfCustomer(customerId);
        var head = await ReadPageAsync(key, cancellationToken);
        return await OrderIndex.ReadNewestFirstAsync([new OrderIndex.Cursor(key, head, k => ReadPageAsync(k, cancellationToken))], skip, take);
    }

    /// <summary>Every order's position [skip, skip + take) newest first (the buckets' heads read at once, merged by when placed).</summary>
    public async Task<(IReadOnlyList<Guid> Ids, long Total)> ReadAllOrdersAsync(int skip, int take, CancellationToken cancellationToken)
    {
        var keys = AllOrdersKeys.ToList();
        var heads = await Task.WhenAll(keys.Select(key => ReadPageAsync(key, cancellationToken)));
        var cursors = keys.Select((key, i) => new OrderIndex.Cursor(key, heads[i], k => ReadPageAsync(k, cancellationToken))).ToList();
        return await OrderIndex.ReadNewestFirstAsync(cursors, skip, take);
    }

    private async Task<OrderIndexPage?> ReadPageAsync(string key, CancellationToken cancellationToken) =>
        await dapr.GetStateAsync<OrderIndexPage?>(Store, key, ConsistencyMode.Strong, cancellationToken: cancellationToken);

    private async Task ChangeAsync<TList>(string key, Func<TList?, TList?> change, CancellationToken cancellationToken)
        where TList : class
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var (list, etag) = await dapr.GetStateAndETagAsync<TList?>(Store, key, ConsistencyMode.Strong, cancellationToken: cancellationToken);
            if (change(list) is not { } changed)
                return;
            if (await dapr.TrySaveStateAsync(Store, key, changed, etag ?? "", Guarded, cancellationToken: cancellationToken))
                return;
            // Lost the race: back off a random, growing while, so writers of a hot key (the outbox, all orders) spread out
            // instead of colliding again in lockstep (20 concurrent checkouts exhausted 20 immediate retries).
            await Task.Delay(StateContention.Backoff(attempt), cancellationToken);
        }
        throw new StateConflictException(key);
    }
}

/// <summary>A key kept changing under us; the caller retries (answered 409 by the API, retried by the workflow and relay).</summary>
public sealed class StateConflictException(string key) : Exception($"State key {key} changed concurrently too many times in a row.");
