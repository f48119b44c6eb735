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
/// fresh state. A status change and its event are one transaction through the store's outbox (<see cref="ShipmentStore"/>):
/// both or neither, so a refused publish fails the command with nothing saved and the caller's retry does it once.
/// A repeat finds the status reached and answers it again, saving and publishing nothing.
/// </summary>
public sealed partial class ShipmentService(ShipmentStore store, TimeProvider time, ILogger<ShipmentService> logger)
{
    private const int Attempts = 10;

    public Task<ShipmentOutcome> CreateAsync(CreateShipmentRequest request, CancellationToken cancellationToken) =>
        ChangeAsync(request.OrderId, cancellationToken, (current, now) => current switch
        {
            null => Change.Announced(ShipmentRecord.Create(request, now)),
            { Status: ShipmentStatus.Cancelled } => new ShipmentOutcome.Refused(current, "The shipment for this order was cancelled."),
            _ => new ShipmentOutcome.Done(current),
        });

    public Task<ShipmentOutcome> CancelAsync(Guid orderId, CancellationToken cancellationToken) =>
        ChangeAsync(orderId, cancellationToken, (current, now) => current switch
        {
            // A tombstone cancels nothing anyone was told about: it is saved without an event.
            null => Change.Silent(ShipmentRecord.Tombstone(orderId, now)),
            { Status: ShipmentStatus.Delivered } => new ShipmentOutcome.Refused(current, "A delivered shipment cannot be cancelled."),
            { Status: ShipmentStatus.Cancelled } => new ShipmentOutcome.Done(current),
            _ => Change.Announced(current with { Status = ShipmentStatus.Cancelled, CancelledAt = now }),
        });

    public Task<ShipmentOutcome> DeliverAsync(Guid orderId, CancellationToken cancellationToken) =>
        ChangeAsync(orderId, cancellationToken, (current, now) => current switch
        {
            null => new ShipmentOutcome.NotFound(),
            { Status: ShipmentStatus.Cancelled } => new ShipmentOutcome.Refused(current, "A cancelled shipment cannot be delivered."),
            { Status: ShipmentStatus.Delivered } => new ShipmentOutcome.Done(current),
            _ => Change.Announced(current with { Status = ShipmentStatus.Delivered, DeliveredAt = now }),
        });

    public async Task<ShipmentRecord?> GetAsync(Guid orderId, CancellationToken cancellationToken) =>
        (await store.GetAsync(orderId, cancellationToken)).Record;

    /// <summary>A record to save, with its status's event (through the outbox) or without one.</summary>
    private sealed record Change(ShipmentRecord Next, bool Announce)
    {
        public static Change Announced(ShipmentRecord next) => new(next, true);

        public static Change Silent(ShipmentRecord next) => new(next, false);
    }

    /// <summary>
    /// <paramref name="decide"/> answers either a <see cref="Change"/> to save or an outcome (no change). A record from
    /// before the outbox whose event never went out is first saved again with that event, so the previous step is told
    /// before the next one is decided.
    /// </summary>
    private async Task<ShipmentOutcome> ChangeAsync(
        Guid orderId, CancellationToken cancellationToken, Func<ShipmentRecord?, DateTimeOffset, object> decide)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var (current, etag, eventOwed) = await store.GetAsync(orderId, cancellationToken);
            if (current is not null && eventOwed)
            {
                if (await store.TrySaveAndAnnounceAsync(current, etag, cancellationToken))
                    LogOwedEventAnnounced(logger, orderId, current.Status);
                continue; // decided again on the record as it is now
            }
            switch (decide(current, time.GetUtcNow()))
            {
                case ShipmentOutcome outcome:
                    return outcome;
                case Change change when await SaveAsync(change, current is null ? "" : etag, cancellationToken):
                    LogChanged(logger, orderId, change.Next.Status, change.Next.TrackingNumber);
                    return new ShipmentOutcome.Done(change.Next);
                case Change:
                    LogConflict(logger, orderId, attempt);
                    continue;
            }
        }
        throw new ShippingConflictException($"Shipment for order {orderId} changed concurrently too many times; retry.");
    }

    private Task<bool> SaveAsync(Change change, string etag, CancellationToken cancellationToken) => change.Announce
        ? store.TrySaveAndAnnounceAsync(change.Next, etag, cancellationToken)
        : store.TrySaveSilentlyAsync(change.Next, etag, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shipment for order {OrderId} is now {Status} (tracking {TrackingNumber})")]
    private static partial void LogChanged(ILogger logger, Guid orderId, ShipmentStatus status, string trackingNumber);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shipment for order {OrderId} changed concurrently (attempt {Attempt}); deciding again")]
    private static partial void LogConflict(ILogger logger, Guid orderId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Announced the {Status} event of order {OrderId}'s shipment, which an earlier version of shipping had not got out")]
    private static partial void LogOwedEventAnnounced(ILogger logger, Guid orderId, ShipmentStatus status);
}

public sealed class ShippingConflictException(string message) : Exception(message);
