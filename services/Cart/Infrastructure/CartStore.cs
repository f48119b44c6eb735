using Dapr.Client;
using ShopDapr.Cart.Domain;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Events;

namespace ShopDapr.Cart.Infrastructure;

/// <summary>
/// Carts in the Dapr state store, changed by ETag-guarded read-modify-write: a concurrent change to the same cart
/// makes the save fail, and the change is applied again to the fresh cart. A new cart is written first-write (only if absent).
/// </summary>
public sealed partial class CartStore(DaprClient dapr, ILogger<CartStore> logger)
{
    private const string Store = ShopNames.Components.UserBehaviorStateStore; // its transactions announce on user-behavior
    private const int Attempts = 10;
    private static readonly StateOptions Guarded = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    public async Task<ShoppingCart> GetAsync(string customerId, CancellationToken cancellationToken) =>
        await dapr.GetStateAsync<ShoppingCart?>(Store, Key(customerId), ConsistencyMode.Strong, cancellationToken: cancellationToken)
        ?? ShoppingCart.Empty(customerId);

    /// <summary>
    /// Applies <paramref name="change"/> and saves the result; a change that is refused saves nothing. With
    /// <paramref name="announce"/> the event it makes of the saved cart is published through the store's outbox in the
    /// same transaction (<see cref="OutboxPublishing"/>): saved and announced together or neither, so a failed publish can
    /// no longer answer 5xx with the cart already changed (a client's retry then added the item twice).
    /// </summary>
    public async Task<CartChange> UpdateAsync(string customerId, Func<ShoppingCart, CartChange> change, CancellationToken cancellationToken,
        Func<ShoppingCart, object>? announce = null)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var (stored, etag) = await dapr.GetStateAndETagAsync<ShoppingCart?>(Store, Key(customerId), ConsistencyMode.Strong, cancellationToken: cancellationToken);
            var result = change(stored ?? ShoppingCart.Empty(customerId));
            if (result is not CartChange.Changed changed)
                return result;
            var saved = announce is null
                ? await dapr.TrySaveStateAsync(Store, Key(customerId), changed.Cart, etag ?? "", Guarded, cancellationToken: cancellationToken)
                : await dapr.TrySaveAndPublishAsync(Store, Key(customerId), changed.Cart, etag ?? "", Guarded, announce(changed.Cart), cancellationToken);
            if (saved)
                return result;
            LogConflict(logger, customerId, attempt);
        }
        throw new CartConflictException(customerId);
    }

    internal static string Key(string customerId) => $"cart-{customerId}";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cart {CustomerId} changed concurrently (attempt {Attempt}); retrying")]
    private static partial void LogConflict(ILogger logger, string customerId, int attempt);
}

/// <summary>The cart kept changing under us; answered 409 so the client retries.</summary>
public sealed class CartConflictException(string customerId)
    : Exception($"Cart {customerId} changed concurrently too many times in a row.");
