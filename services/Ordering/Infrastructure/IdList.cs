using Dapr.Client;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Ordering.Infrastructure;

/// <summary>A list of order ids in one state key (newest last).</summary>
public sealed record IdList(IReadOnlyList<Guid> Ids);

/// <summary>
/// ETag-guarded add/remove on an <see cref="IdList"/> key: the order indexes (all, per customer) and the outbox's
/// worklist. Adding an id already present, or removing one absent, writes nothing.
/// </summary>
public sealed class IdLists(DaprClient dapr)
{
    private const string Store = ShopNames.Components.StateStore;
    private const int Attempts = 20;
    private static readonly StateOptions Guarded = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    public const string AllOrders = "orders-all";

    /// <summary>
    /// The outbox worklist is spread over this many keys by order id: every event appended adds its order and every
    /// publish removes it, a dozen writes per order, so one key was the shop's hottest record (concurrent checkouts
    /// queued on its ETag). Each order always lands in the same bucket.
    /// </summary>
    public const int OutboxBuckets = 32;

    public static string OutboxOf(Guid orderId)
    {
        Span<byte> bytes = stackalloc byte[16];
        orderId.TryWriteBytes(bytes);
        return OutboxKey(bytes[0] % OutboxBuckets);
    }

    public static IEnumerable<string> OutboxKeys => Enumerable.Range(0, OutboxBuckets).Select(OutboxKey);

    private static string OutboxKey(int bucket) => $"orders-outbox-{bucket}";

    public static string OfCustomer(string customerId) => $"orders-of-{customerId}";

    public async Task<IReadOnlyList<Guid>> ReadAsync(string key, CancellationToken cancellationToken) =>
        (await dapr.GetStateAsync<IdList?>(Store, key, ConsistencyMode.Strong, cancellationToken: cancellationToken))?.Ids ?? [];

    public Task AddAsync(string key, Guid id, CancellationToken cancellationToken) =>
        ChangeAsync(key, ids => ids.Contains(id) ? null : [.. ids, id], cancellationToken);

    public Task RemoveAsync(string key, Guid id, CancellationToken cancellationToken) =>
        ChangeAsync(key, ids => ids.Contains(id) ? [.. ids.Where(i => i != id)] : null, cancellationToken);

    /// <summary>Full jitter: 0 to min(2^attempt, 64) × 5 ms (at most ~5 s over all attempts on average).</summary>
    internal static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Random.Shared.Next(0, 5 * Math.Min(1 << Math.Min(attempt, 6), 64) + 1));

    private async Task ChangeAsync(string key, Func<IReadOnlyList<Guid>, IReadOnlyList<Guid>?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var (list, etag) = await dapr.GetStateAndETagAsync<IdList?>(Store, key, ConsistencyMode.Strong, cancellationToken: cancellationToken);
            if (change(list?.Ids ?? []) is not { } changed)
                return;
            if (await dapr.TrySaveStateAsync(Store, key, new IdList(changed), etag ?? "", Guarded, cancellationToken: cancellationToken))
                return;
            // Lost the race: back off a random, growing while, so writers of a hot key (the outbox, all orders) spread out
            // instead of colliding again in lockstep (20 concurrent checkouts exhausted 20 immediate retries).
            await Task.Delay(Backoff(attempt), cancellationToken);
        }
        throw new StateConflictException(key);
    }
}

/// <summary>A key kept changing under us; the caller retries (answered 409 by the API, retried by the workflow and relay).</summary>
public sealed class StateConflictException(string key) : Exception($"State key {key} changed concurrently too many times in a row.");
