using System.Text.Json;
using Dapr.Client;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Events;
using ShopDapr.Shipping.Domain;

namespace ShopDapr.Shipping.Infrastructure;

/// <summary>
/// Shipments in the Dapr state store, created first-write (one per order) and changed only with their ETag, through the
/// store definition whose outbox publishes on order-events: a status change is saved in one transaction with its event
/// (<see cref="OutboxPublishing"/>), so the two commit together or not at all.
/// </summary>
public sealed class ShipmentStore(DaprClient dapr)
{
    private const string Store = ShopNames.Components.OrderEventsStateStore; // its transactions announce on order-events
    private static readonly StateOptions Guarded = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    internal static string Key(Guid orderId) => $"shipment-{orderId:D}";

    /// <summary>
    /// The order's shipment and its ETag ("" when there is none). <c>EventOwed</c>: the record was written before shipping
    /// published through the outbox and says its status's event never went out (<see cref="PreOutboxRecord"/>).
    /// </summary>
    public async Task<(ShipmentRecord? Record, string ETag, bool EventOwed)> GetAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var (stored, etag) = await dapr.GetStateAndETagAsync<JsonElement?>(Store, Key(orderId), ConsistencyMode.Strong, cancellationToken: cancellationToken);
        if (stored is not { ValueKind: JsonValueKind.Object } json)
            return (null, etag ?? "", false);
        return (json.Deserialize<ShipmentRecord>(dapr.JsonSerializerOptions ?? JsonSerializerOptions.Web), etag ?? "", PreOutboxRecord.EventOwed(json));
    }

    /// <summary>
    /// Saves <paramref name="record"/> and its status's event together if the order has no shipment yet (empty
    /// <paramref name="etag"/>) or it still has <paramref name="etag"/>. False when it changed meanwhile (nothing saved or
    /// published); a refused publish or an unavailable store throws, with nothing saved either.
    /// </summary>
    public Task<bool> TrySaveAndAnnounceAsync(ShipmentRecord record, string etag, CancellationToken cancellationToken) =>
        dapr.TrySaveAndPublishAsync(Store, Key(record.OrderId), record, etag, Guarded, record.StatusEvent(), cancellationToken);

    /// <summary>
    /// Saves <paramref name="record"/> without an event (a plain save, which the outbox does not see), on the same terms.
    /// For a tombstone: it cancels nothing anyone was told about.
    /// </summary>
    public Task<bool> TrySaveSilentlyAsync(ShipmentRecord record, string etag, CancellationToken cancellationToken) =>
        dapr.TrySaveStateAsync(Store, Key(record.OrderId), record, etag, Guarded, cancellationToken: cancellationToken);
}

/// <summary>
/// Records written before shipping published through the outbox carry <c>announcement</c>: whether the event of their
/// status had gone out, as a number (0 pending: its publisher was at work or crashed, 1 done, 2 failed). The field is
/// read here and never written again. It stays because such a record whose event never went out would otherwise stay
/// silent for good (a repeated command finds the status already reached and changes nothing): the next command on it
/// saves it again through the outbox, which publishes the event once and drops the field. A pending one counts as owed:
/// if its publisher (an earlier version, mid-upgrade) did get it out, the second copy is one subscribers de-duplicate.
/// </summary>
internal static class PreOutboxRecord
{
    private const string Field = "announcement";
    private const int Done = 1;

    /// <summary>True when <paramref name="stored"/> is an old record whose event was still pending or had failed.</summary>
    public static bool EventOwed(JsonElement stored) =>
        stored.TryGetProperty(Field, out var announcement) && announcement.ValueKind switch
        {
            JsonValueKind.Number => !announcement.TryGetInt32(out var value) || value != Done,
            JsonValueKind.String => !string.Equals(announcement.GetString(), "Done", StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
}
