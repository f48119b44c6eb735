using System.Security.Cryptography;
using ShopDapr.Contracts;
using ShopDapr.Contracts.Inventory;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Shipping;

namespace ShopDapr.Shipping.Domain;

/// <summary>
/// An order's shipment as stored (state key <c>shipment-{orderId}</c>). A cancel that arrives before any create stores
/// a cancelled record without an address (a tombstone), so a late create cannot ship an order that was compensated.
/// </summary>
public sealed record ShipmentRecord(
    Guid OrderId,
    string ShipmentId,
    string TrackingNumber,
    ShipmentStatus Status,
    DateTimeOffset CreatedAt,
    Address? Address,
    IReadOnlyList<StockLine> Lines,
    DateTimeOffset? CancelledAt = null,
    DateTimeOffset? DeliveredAt = null)
{
    public static ShipmentRecord Create(CreateShipmentRequest request, DateTimeOffset now) =>
        new(request.OrderId, ShipmentIds.For(request.OrderId), ShipmentIds.TrackingNumber(request.OrderId), ShipmentStatus.Created, now,
            request.Address, [.. request.Lines]);

    public static ShipmentRecord Tombstone(Guid orderId, DateTimeOffset now) =>
        new(orderId, ShipmentIds.For(orderId), ShipmentIds.TrackingNumber(orderId), ShipmentStatus.Cancelled, now, null, [], CancelledAt: now);

    public Shipment ToShipment() => new(OrderId, ShipmentId, TrackingNumber, Status, CreatedAt);

    /// <summary>The event that announces the current status, dated when the shipment reached it.</summary>
    public IIntegrationEvent StatusEvent() => Status switch
    {
        ShipmentStatus.Created => new ShipmentCreated(OrderId, ShipmentId, TrackingNumber, CreatedAt),
        ShipmentStatus.Cancelled => new ShipmentCancelled(OrderId, ShipmentId, CancelledAt ?? CreatedAt),
        ShipmentStatus.Delivered => new ShipmentDelivered(OrderId, ShipmentId, DeliveredAt ?? CreatedAt),
        _ => throw new InvalidOperationException($"No event for a shipment that is {Status}."),
    };
}

/// <summary>Ids derived from the order id: a repeated create (or a second replica) names the same shipment.</summary>
public static class ShipmentIds
{
    public static string For(Guid orderId) => $"shp_{orderId:N}";

    /// <summary><c>SD</c> and ten digits, taken from a hash of the order id (stable, and looks like a carrier's number).</summary>
    public static string TrackingNumber(Guid orderId)
    {
        var hash = SHA256.HashData(orderId.ToByteArray());
        var number = BitConverter.ToUInt64(hash, 0) % 10_000_000_000UL;
        return $"SD{number:D10}";
    }
}
