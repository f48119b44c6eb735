using System.Security.Cryptography;
using System.Text;
using Dapr.Client;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Ordering.Infrastructure;

/// <summary>The order a (customer, idempotency key) pair first created.</summary>
public sealed record PlacedOrder(Guid OrderId);

/// <summary>
/// One state key per (customer, key), written first-write: the first request claims it, a concurrent or later
/// repeat reads the order id it holds. The key is hashed so a client's key cannot shape the state key.
/// </summary>
public sealed class IdempotencyKeys(DaprClient dapr)
{
    private const string Store = ShopNames.Components.StateStore;
    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    /// <summary>(the order id, true) when this call claimed the key; (the first order's id, false) on a repeat.</summary>
    public async Task<(Guid OrderId, bool Claimed)> ClaimAsync(string customerId, string idempotencyKey, Guid candidate, CancellationToken cancellationToken)
    {
        var key = Key(customerId, idempotencyKey);
        if (await dapr.GetStateAsync<PlacedOrder?>(Store, key, ConsistencyMode.Strong, cancellationToken: cancellationToken) is { } existing)
            return (existing.OrderId, false);
        if (await dapr.TrySaveStateAsync(Store, key, new PlacedOrder(candidate), "", FirstWrite, cancellationToken: cancellationToken))
            return (candidate, true);
        var winner = await dapr.GetStateAsync<PlacedOrder?>(Store, key, ConsistencyMode.Strong, cancellationToken: cancellationToken)
            ?? throw new StateConflictException(key);
        return (winner.OrderId, false);
    }

    internal static string Key(string customerId, string idempotencyKey) =>
        "order-key-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{customerId}\n{idempotencyKey}")));
}
