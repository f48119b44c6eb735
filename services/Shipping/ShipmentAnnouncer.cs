using ShopDapr.Contracts.Shipping;
using ShopDapr.Shipping.Domain;
using ShopDapr.Shipping.Infrastructure;

namespace ShopDapr.Shipping;

/// <summary>
/// Publishes the event of a shipment's status and records how that went (<see cref="Announcement"/>): the request that
/// made the change publishes and marks Done, or Failed when publishing fails (and fails itself, so its caller retries);
/// a later request publishes a Failed event, or a Pending one older than <see cref="Grace"/> (its publisher crashed),
/// but leaves a fresh Pending one to the request sending it. At least once, never lost, no burst from duplicates.
/// </summary>
/// <remarks>
/// Not yet on Dapr's transactional outbox (ServiceDefaults' OutboxPublishing), which would fit: a shipment is one key,
/// its tombstone could be saved without a transaction (so without an event), and shipping would get a store definition
/// of its own whose outbox topic is order-events. Left for a follow-up change because this announcer already gives
/// at-least-once without loss; its Announcement field is the outbox until then.
/// </remarks>
public sealed partial class ShipmentAnnouncer(ShipmentStore store, ShippingEvents events, TimeProvider time, ILogger<ShipmentAnnouncer> logger)
{
    internal static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    /// <summary>By the request that made the change.</summary>
    public async Task AnnounceAsync(ShipmentRecord shipment, CancellationToken cancellationToken)
    {
        try
        {
            await PublishAsync(shipment, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPublishFailed(logger, shipment.OrderId, shipment.Status, e);
            await MarkAsync(shipment, Announcement.Failed, CancellationToken.None);
            throw;
        }
        await MarkAsync(shipment, Announcement.Done, cancellationToken);
    }

    /// <summary>By any later request: publishes when the change's own publisher failed or vanished. True when it published.</summary>
    public async Task<bool> EnsureAnnouncedAsync(ShipmentRecord shipment, CancellationToken cancellationToken)
    {
        if (shipment.Announcement == Announcement.Done)
            return false;
        if (shipment.Announcement == Announcement.Pending && time.GetUtcNow() - ChangedAt(shipment) < Grace)
            return false;
        LogAnnouncingAgain(logger, shipment.OrderId, shipment.Status, shipment.Announcement);
        await AnnounceAsync(shipment, cancellationToken);
        return true;
    }

    private Task PublishAsync(ShipmentRecord s, CancellationToken cancellationToken) => s.Status switch
    {
        ShipmentStatus.Created => events.PublishAsync(new ShipmentCreated(s.OrderId, s.ShipmentId, s.TrackingNumber, s.CreatedAt), cancellationToken),
        ShipmentStatus.Cancelled => events.PublishAsync(new ShipmentCancelled(s.OrderId, s.ShipmentId, ChangedAt(s)), cancellationToken),
        ShipmentStatus.Delivered => events.PublishAsync(new ShipmentDelivered(s.OrderId, s.ShipmentId, ChangedAt(s)), cancellationToken),
        _ => Task.CompletedTask,
    };

    private async Task MarkAsync(ShipmentRecord shipment, Announcement announcement, CancellationToken cancellationToken)
    {
        var (current, etag) = await store.GetAsync(shipment.OrderId, cancellationToken);
        if (current is null || current.Status != shipment.Status || current.Announcement == Announcement.Done)
            return;
        if (!await store.TrySaveAsync(current with { Announcement = announcement }, etag, cancellationToken))
            LogMarkLost(logger, shipment.OrderId, shipment.Status);
    }

    private static DateTimeOffset ChangedAt(ShipmentRecord s) => s.Status switch
    {
        ShipmentStatus.Cancelled => s.CancelledAt ?? s.CreatedAt,
        ShipmentStatus.Delivered => s.DeliveredAt ?? s.CreatedAt,
        _ => s.CreatedAt,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing the {Status} event of order {OrderId}'s shipment failed; a repeat publishes it")]
    private static partial void LogPublishFailed(ILogger logger, Guid orderId, ShipmentStatus status, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Publishing the {Status} event of order {OrderId}'s shipment again (it was {Announcement})")]
    private static partial void LogAnnouncingAgain(ILogger logger, Guid orderId, ShipmentStatus status, Announcement announcement);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shipment of order {OrderId} changed while recording its {Status} announcement")]
    private static partial void LogMarkLost(ILogger logger, Guid orderId, ShipmentStatus status);
}
