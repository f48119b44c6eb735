using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Contracts.Inventory;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Shipping;
using ShopDapr.ServiceDefaults;
using ShopDapr.Shipping.Domain;

namespace ShopDapr.Shipping.Api;

/// <summary><c>/api/shipping</c> (admin): look at an order's shipment; confirm its delivery (publishes ShipmentDelivered).</summary>
public static class ShippingAdminApi
{
    public static IEndpointRouteBuilder MapShippingAdminApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/shipping").WithTags("Shipping").RequireAuthorization(ShopNames.Policies.Admin);
        api.MapGet("/{orderId:guid}", GetShipment);
        api.MapPost("/{orderId:guid}/delivered", ConfirmDelivery);
        return routes;
    }

    public static async Task<Results<Ok<ShipmentView>, ProblemHttpResult>> GetShipment(Guid orderId, ShipmentService shipments, CancellationToken cancellationToken) =>
        await shipments.GetAsync(orderId, cancellationToken) is { } record
            ? TypedResults.Ok(ShipmentView.From(record))
            : ShippingResults.Problem(new ShipmentOutcome.NotFound(), orderId);

    public static async Task<Results<Ok<Shipment>, ProblemHttpResult>> ConfirmDelivery(Guid orderId, ShipmentService shipments, CancellationToken cancellationToken) =>
        ShippingResults.From(await shipments.DeliverAsync(orderId, cancellationToken), orderId);
}

/// <summary>A shipment as an admin sees it: where it goes, what is in it, and when it moved.</summary>
public sealed record ShipmentView(
    Guid OrderId, string ShipmentId, string TrackingNumber, string Status, DateTimeOffset CreatedAt,
    Address? Address, IReadOnlyList<StockLine> Lines, DateTimeOffset? CancelledAt, DateTimeOffset? DeliveredAt)
{
    public static ShipmentView From(ShipmentRecord r) =>
        new(r.OrderId, r.ShipmentId, r.TrackingNumber, r.Status.ToString(), r.CreatedAt, r.Address, r.Lines, r.CancelledAt, r.DeliveredAt);
}
