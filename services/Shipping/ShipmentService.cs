using ShopDapr.Contracts.Shipping;
using ShopDapr.Shipping.Domain;
using ShopDapr.Shipping.Infrastructure;

namespace ShopDapr.Shipping;

/// <summary>What a shipment command came to.</summary>
public abstract record ShipmentOutcome
{
    public sealed record Done(ShipmentRecord Shipment) : ShipmentOutcome;
    public sealed record NotFound : ShipmentOutcome;
    /// <summary>The shipment is in a state that forbids the command (cancelled, or delivered).</summary>
    public sealed record Refused(ShipmentRecord Shipment, string Reason) : ShipmentOutcome;
}

/// <summary>
/// Create, cancel and deliver, each idempotent per order: state is read, the change decided, and saved with the ETag it
/// was read with (first-write when new); a concurrent change makes the save fail and the command is decided again on
/// fresh state. Each state's event is published once it is saved, and marked announced on the record after.
/// </summary>
public sealed partial class ShipmentService(ShipmentStore store, ShipmentAnnouncer announcer, TimeProvider time, ILogger<ShipmentService> logger)
{
    private const int Attempts = 10;

    public Task<ShipmentOutcome> CreateAsync(CreateShipmentRequest request, CancellationToken cancellationToken) =>
        ChangeAsync(request.OrderId, cancellationToken, (current, now) => current switch
        {
            null => ShipmentRecord.Create(request, now),
            { Status: ShipmentStatus.Cancelled } => new ShipmentOutcome.Refused(current, "The shipment for this order was cancelled."),
            _ => new ShipmentOutcome.Done(current),
        });

    public Task<ShipmentOutcome> CancelAsync(Guid orderId, CancellationToken cancellationToken) =>
        ChangeAsync(orderId, cancellationToken, (current, now) => current switch
        {
            // A tombstone cancels nothing anyone was told about: it is born announced.
            null => ShipmentRecord.Tombstone(orderId, now) with { Announcement = Announcement.Done },
            { Status: ShipmentStatus.Delivered } => new ShipmentOutcome.Refused(current, "A delivered shipment cannot be cancelled."),
            { Status: ShipmentStatus.Cancelled } => new ShipmentOutcome.Done(current),
            _ => current with { Status = ShipmentStatus.Cancelled, CancelledAt = now, Announcement = Announcement.Pending },
        });

    public Task<ShipmentOutcome> DeliverAsync(Guid orderId, CancellationToken cancellationToken) =>
        ChangeAsync(orderId, cancellationToken, (current, now) => current switch
        {
            null => new ShipmentOutcome.NotFound(),
            { Status: ShipmentStatus.Cancelled } => new ShipmentOutcome.Refused(current, "A cancelled shipment cannot be delivered."),
            { Status: ShipmentStatus.Delivered } => new ShipmentOutcome.Done(current),
            _ => current with { Status = ShipmentStatus.Delivered, DeliveredAt = now, Announcement = Announcement.Pending },
        });

    public async Task<ShipmentRecord?> GetAsync(Guid orderId, CancellationToken cancellationToken) =>
        (await store.GetAsync(orderId, cancellationToken)).Record;

    /// <summary>
    /// <paramref name="decide"/> answers either a record to save (a change) or an outcome (no change). First, an event of
    /// the stored status that failed to go out (or whose publisher vanished) is published — so it goes out with the
    /// caller's retry, and before the next step's event (<see cref="ShipmentAnnouncer"/>).
    /// </summary>
    private async Task<ShipmentOutcome> ChangeAsync(
        Guid orderId, CancellationToken cancellationToken, Func<ShipmentRecord?, DateTimeOffset, object> decide)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var (current, etag) = await store.GetAsync(orderId, cancellationToken);
            var decision = decide(current, time.GetUtcNow());
            if (current is not null && await announcer.EnsureAnnouncedAsync(current, cancellationToken))
                continue; // the previous step was told before the next; recording that moved the ETag on
            switch (decision)
            {
                case ShipmentOutcome outcome:
                    return outcome;
                case ShipmentRecord next when await store.TrySaveAsync(next, current is null ? "" : etag, cancellationToken):
                    LogChanged(logger, orderId, next.Status, next.TrackingNumber);
                    if (next.Announcement != Announcement.Done) // a tombstone has nothing to tell
                        await announcer.AnnounceAsync(next, cancellationToken);
                    return new ShipmentOutcome.Done(next);
                case ShipmentRecord:
                    LogConflict(logger, orderId, attempt);
                    continue;
            }
        }
        throw new ShippingConflictException($"Shipment for order {orderId} changed concurrently too many times; retry.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shipment for order {OrderId} is now {Status} (tracking {TrackingNumber})")]
    private static partial void LogChanged(ILogger logger, Guid orderId, ShipmentStatus status, string trackingNumber);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shipment for order {OrderId} changed concurrently (attempt {Attempt}); deciding again")]
    private static partial void LogConflict(ILogger logger, Guid orderId, int attempt);
}

public sealed class ShippingConflictException(string message) : Exception(message);
