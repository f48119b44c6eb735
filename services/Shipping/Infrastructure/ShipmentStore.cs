using Dapr.Client;
using ShopDapr.ServiceDefaults;
using ShopDapr.Shipping.Domain;

namespace ShopDapr.Shipping.Infrastructure;

/// <summary>Shipments in the Dapr state store: created first-write (one per order), changed only with their ETag.</summary>
public sealed class ShipmentStore(DaprClient dapr)
{
    private const string Store = ShopNames.Components.StateStore;
    private static readonly StateOptions Guarded = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    internal static string Key(Guid orderId) => $"shipment-{orderId:D}";

    public async Task<(ShipmentRecord? Record, string ETag)> GetAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var (record, etag) = await dapr.GetStateAndETagAsync<ShipmentRecord?>(Store, Key(orderId), ConsistencyMode.Strong, cancellationToken: cancellationToken);
        return (record, etag ?? "");
    }

    /// <summary>Saves <paramref name="record"/> if the order has none yet (empty <paramref name="etag"/>) or it still has <paramref name="etag"/>.</summary>
    public Task<bool> TrySaveAsync(ShipmentRecord record, string etag, CancellationToken cancellationToken) =>
        dapr.TrySaveStateAsync(Store, Key(record.OrderId), record, etag, Guarded, cancellationToken: cancellationToken);
}
