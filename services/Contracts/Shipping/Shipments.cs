using ShopDapr.Contracts.Inventory;
using ShopDapr.Contracts.Ordering;

namespace ShopDapr.Contracts.Shipping;

/// <summary>ordering → shipping (<see cref="ShippingRoutes.Shipments"/>), idempotent per order. 200 <see cref="Shipment"/>.</summary>
public sealed record CreateShipmentRequest(Guid OrderId, Address Address, IReadOnlyList<StockLine> Lines);

public enum ShipmentStatus { Created, Cancelled, Delivered }

public sealed record Shipment(Guid OrderId, string ShipmentId, string TrackingNumber, ShipmentStatus Status, DateTimeOffset CreatedAt);

/// <summary>Service-to-service routes of shipping. Cancel is idempotent (204); a delivered shipment cannot be cancelled (409).</summary>
public static class ShippingRoutes
{
    public const string Shipments = "/internal/shipments";

    public static string Cancel(Guid orderId) => $"{Shipments}/{orderId}/cancel";
}

/// <summary>Published on <c>order-events</c>; ordering appends <c>OrderDelivered</c> on <see cref="ShipmentDelivered"/>.</summary>
public sealed record ShipmentCreated(Guid OrderId, string ShipmentId, string TrackingNumber, DateTimeOffset OccurredAt) : IIntegrationEvent;

public sealed record ShipmentCancelled(Guid OrderId, string ShipmentId, DateTimeOffset OccurredAt) : IIntegrationEvent;

public sealed record ShipmentDelivered(Guid OrderId, string ShipmentId, DateTimeOffset OccurredAt) : IIntegrationEvent;
