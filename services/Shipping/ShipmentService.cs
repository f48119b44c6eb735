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
/// fresh state. An event is published only by the request whose save made the change.
/// </summary>
public sealed partial class ShipmentService(ShipmentStore store, ShippingEvents events, TimeProvider time, ILogger<ShipmentService> logger)
{
    private const int Attempts = 10;

    public Task<ShipmentOutcome> CreateAsync(CreateShipmentRequest request, CancellationToken cancellationToken) =>
        ChangeAsync(request.OrderId, cancellationToken, (current, now) => current switch
        {
            null => ShipmentRecord.Create(request, now),
            { Status: ShipmentStatus.Cancelled } => new ShipmentOutcome.Refused(current, "The shipment for this order was cancelled."),
            _ => new ShipmentOutcome.Done(current),
        }, async (created, ct) =>
        {
            LogCreated(logger, created.OrderId, created.TrackingNumber);
            await events.PublishAsync(new ShipmentCreated(created.OrderId, created.ShipmentId, created.TrackingNumber, created.CreatedAt), ct);
        });

    public Task<ShipmentOutcome> CancelAsync(Guid orderId, CancellationToken cancellationToken) =>
        ChangeAsync(orderId, cancellationToken, (current, now) => current switch
        {
            null => ShipmentRecord.Tombstone(orderId, now),
            { Status: ShipmentStatus.Delivered } => new ShipmentOutcome.Refused(current, "A delivered shipment cannot be cancelled."),
            { Status: ShipmentStatus.Cancelled } => new ShipmentOutcome.Done(current),
            _ => current with { Status = ShipmentStatus.Cancelled, CancelledAt = now },
        }, async (cancelled, ct) =>
        {
            LogCancelled(logger, cancelled.OrderId, cancelled.Address is null);
            if (cancelled.Address is not null) // a tombstone cancels nothing that anyone was told about
                await events.PublishAsync(new ShipmentCancelled(cancelled.OrderId, cancelled.ShipmentId, cancelled.CancelledAt!.Value), ct);
        });

    public Task<ShipmentOutcome> DeliverAsync(Guid orderId, CancellationToken cancellationToken) =>
        ChangeAsync(orderId, cancellationToken, (current, now) => current switch
        {
            null => new ShipmentOutcome.NotFound(),
            { Status: ShipmentStatus.Cancelled } => new ShipmentOutcome.Refused(current, "A cancelled shipment cannot be delivered."),
            { Status: ShipmentStatus.Delivered } => new ShipmentOutcome.Done(current),
            _ => current with { Status = ShipmentStatus.Delivered, DeliveredAt = now },
        }, async (delivered, ct) =>
        {
            LogDelivered(logger, delivered.OrderId);
            await events.PublishAsync(new ShipmentDelivered(delivered.OrderId, delivered.ShipmentId, delivered.DeliveredAt!.Value), ct);
        });

    public async Task<ShipmentRecord?> GetAsync(Guid orderId, CancellationToken cancellationToken) =>
        (await store.GetAsync(orderId, cancellationToken)).Record;

    /// <summary>
    /// <paramref name="decide"/> answers either a record to save (a change) or an outcome (no change). After a successful
    /// save <paramref name="changed"/> runs once.
    /// </summary>
    private async Task<ShipmentOutcome> ChangeAsync(
        Guid orderId, CancellationToken cancellationToken, Func<ShipmentRecord?, DateTimeOffset, object> decide,
        Func<ShipmentRecord, CancellationToken, Task> changed)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var (current, etag) = await store.GetAsync(orderId, cancellationToken);
            switch (decide(current, time.GetUtcNow()))
            {
                case ShipmentOutcome outcome:
                    return outcome;
                case ShipmentRecord next when await store.TrySaveAsync(next, current is null ? "" : etag, cancellationToken):
                    await changed(next, cancellationToken);
                    return new ShipmentOutcome.Done(next);
                case ShipmentRecord:
                    LogConflict(logger, orderId, attempt);
                    continue;
            }
        }
        throw new ShippingConflictException($"Shipment for order {orderId} changed concurrently too many times; retry.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created shipment for order {OrderId}, tracking {TrackingNumber}")]
    private static partial void LogCreated(ILogger logger, Guid orderId, string trackingNumber);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancelled shipment for order {OrderId} (before any create: {Tombstone})")]
    private static partial void LogCancelled(ILogger logger, Guid orderId, bool tombstone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivered shipment for order {OrderId}")]
    private static partial void LogDelivered(ILogger logger, Guid orderId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shipment for order {OrderId} changed concurrently (attempt {Attempt}); deciding again")]
    private static partial void LogConflict(ILogger logger, Guid orderId, int attempt);
}

public sealed class ShippingConflictException(string message) : Exception(message);
