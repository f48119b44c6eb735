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
public sealed partial class ShipmentService(ShipmentStore store, ShippingEvents events, TimeProvider time, ILogger<ShipmentService> logger)
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
            null => ShipmentRecord.Tombstone(orderId, now) with { Announced = true },
            { Status: ShipmentStatus.Delivered } => new ShipmentOutcome.Refused(current, "A delivered shipment cannot be cancelled."),
            { Status: ShipmentStatus.Cancelled } => new ShipmentOutcome.Done(current),
            _ => current with { Status = ShipmentStatus.Cancelled, CancelledAt = now, Announced = false },
        });

    public Task<ShipmentOutcome> DeliverAsync(Guid orderId, CancellationToken cancellationToken) =>
        ChangeAsync(orderId, cancellationToken, (current, now) => current switch
        {
            null => new ShipmentOutcome.NotFound(),
            { Status: ShipmentStatus.Cancelled } => new ShipmentOutcome.Refused(current, "A cancelled shipment cannot be delivered."),
            { Status: ShipmentStatus.Delivered } => new ShipmentOutcome.Done(current),
            _ => current with { Status = ShipmentStatus.Delivered, DeliveredAt = now, Announced = false },
        });

    public async Task<ShipmentRecord?> GetAsync(Guid orderId, CancellationToken cancellationToken) =>
        (await store.GetAsync(orderId, cancellationToken)).Record;

    /// <summary>
    /// <paramref name="decide"/> answers either a record to save (a change) or an outcome (no change). Whatever the
    /// answer, the event of the shipment's state is published if it has not been yet — so an event whose publish failed
    /// goes out with the caller's retry (at least once, never lost behind a stored state).
    /// </summary>
    private async Task<ShipmentOutcome> ChangeAsync(
        Guid orderId, CancellationToken cancellationToken, Func<ShipmentRecord?, DateTimeOffset, object> decide)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var (current, etag) = await store.GetAsync(orderId, cancellationToken);
            var decision = decide(current, time.GetUtcNow());
            if (current is { Announced: false })
                await EnsureAnnouncedAsync(current, cancellationToken); // the previous step is told before the next
            switch (decision)
            {
                case ShipmentOutcome outcome:
                    return outcome;
                case ShipmentRecord next when await store.TrySaveAsync(next, current is null ? "" : etag, cancellationToken):
                    LogChanged(logger, orderId, next.Status, next.TrackingNumber);
                    await EnsureAnnouncedAsync(next, cancellationToken);
                    return new ShipmentOutcome.Done(next);
                case ShipmentRecord:
                    LogConflict(logger, orderId, attempt);
                    continue;
            }
        }
        throw new ShippingConflictException($"Shipment for order {orderId} changed concurrently too many times; retry.");
    }

    private async Task EnsureAnnouncedAsync(ShipmentRecord shipment, CancellationToken cancellationToken)
    {
        if (shipment.Announced)
            return;
        switch (shipment.Status)
        {
            case ShipmentStatus.Created:
                await events.PublishAsync(new ShipmentCreated(shipment.OrderId, shipment.ShipmentId, shipment.TrackingNumber, shipment.CreatedAt), cancellationToken);
                break;
            case ShipmentStatus.Cancelled:
                await events.PublishAsync(new ShipmentCancelled(shipment.OrderId, shipment.ShipmentId, shipment.CancelledAt!.Value), cancellationToken);
                break;
            case ShipmentStatus.Delivered:
                await events.PublishAsync(new ShipmentDelivered(shipment.OrderId, shipment.ShipmentId, shipment.DeliveredAt!.Value), cancellationToken);
                break;
        }
        var (current, etag) = await store.GetAsync(shipment.OrderId, cancellationToken);
        if (current is { Announced: false } c && c.Status == shipment.Status && !await store.TrySaveAsync(c with { Announced = true }, etag, cancellationToken))
            LogMarkLost(logger, shipment.OrderId, shipment.Status);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shipment for order {OrderId} is now {Status} (tracking {TrackingNumber})")]
    private static partial void LogChanged(ILogger logger, Guid orderId, ShipmentStatus status, string trackingNumber);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shipment for order {OrderId} changed while marking its {Status} event announced; a repeat may announce it again")]
    private static partial void LogMarkLost(ILogger logger, Guid orderId, ShipmentStatus status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shipment for order {OrderId} changed concurrently (attempt {Attempt}); deciding again")]
    private static partial void LogConflict(ILogger logger, Guid orderId, int attempt);
}

public sealed class ShippingConflictException(string message) : Exception(message);
