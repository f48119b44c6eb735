using System.Security.Cryptography;
using System.Text;
using Dapr.Client;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Cart.Infrastructure;

/// <summary>The order a checkout (customer, Idempotency-Key) placed, and the <see cref="Contracts.Ordering.CheckoutFingerprint"/> of its request.</summary>
public sealed record CheckoutRecord(Guid OrderId, string? RequestFingerprint = null);

/// <summary>
/// Remembers each checkout's order so a repeat answers the same order even after the cart was emptied.
/// The key is hashed so a client's header cannot shape the state key.
/// </summary>
public sealed class CheckoutRecords(DaprClient dapr)
{
    private const string Store = ShopNames.Components.StateStore;

    public Task<CheckoutRecord?> FindAsync(string customerId, string idempotencyKey, CancellationToken cancellationToken) =>
        dapr.GetStateAsync<CheckoutRecord?>(Store, Key(customerId, idempotencyKey), ConsistencyMode.Strong, cancellationToken: cancellationToken);

    public Task SaveAsync(string customerId, string idempotencyKey, CheckoutRecord record, CancellationToken cancellationToken) =>
        dapr.SaveStateAsync(Store, Key(customerId, idempotencyKey), record, cancellationToken: cancellationToken);

    internal static string Key(string customerId, string idempotencyKey) =>
        "checkout-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{customerId}\n{idempotencyKey}")));
}
