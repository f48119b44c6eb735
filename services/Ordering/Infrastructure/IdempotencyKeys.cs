using System.Security.Cryptography;
using System.Text;
using Dapr.Client;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Ordering.Infrastructure;

/// <summary>The order a (customer, idempotency key) pair first created, and the fingerprint of the request that did.</summary>
public sealed record PlacedOrder(Guid OrderId, string? RequestFingerprint = null);

/// <summary>What claiming a key came to: this call claimed it, or it holds <paramref name="OrderId"/> already (a repeat) —
/// from the same request or, <paramref name="OtherRequest"/>, from another one.</summary>
public sealed record KeyClaim(Guid OrderId, bool Claimed, bool OtherRequest = false);

/// <summary>
/// One state key per (customer, key), written first-write: the first request claims it, a concurrent or later
/// repeat reads the order id it holds. The key is hashed so a client's key cannot shape the state key.
/// </summary>
public sealed class IdempotencyKeys(DaprClient dapr)
{
    private const string Store = ShopNames.Components.StateStore;
    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    /// <summary>Claims the key for <paramref name="candidate"/>, or reads the order a first request claimed it for.</summary>
    public async Task<KeyClaim> ClaimAsync(string customerId, string idempotencyKey, Guid candidate, string? fingerprint, CancellationToken cancellationToken)
    {
        var key = Key(customerId, idempotencyKey);
        if (await dapr.GetStateAsync<PlacedOrder?>(Store, key, ConsistencyMode.Strong, cancellationToken: cancellationToken) is { } existing)
            return Repeat(existing, fingerprint);
        if (await dapr.TrySaveStateAsync(Store, key, new PlacedOrder(candidate, fingerprint), "", FirstWrite, cancellationToken: cancellationToken))
            return new KeyClaim(candidate, true);
        var winner = await dapr.GetStateAsync<PlacedOrder?>(Store, key, ConsistencyMode.Strong, cancellationToken: cancellationToken)
            ?? throw new StateConflictException(key);
        return Repeat(winner, fingerprint);
    }

    private static KeyClaim Repeat(PlacedOrder first, string? fingerprint) =>
        new(first.OrderId, false, !Contracts.Ordering.CheckoutFingerprint.Matches(first.RequestFingerprint, fingerprint));

    internal static string Key(string customerId, string idempotencyKey) =>
        "order-key-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{customerId}\n{idempotencyKey}")));
}
