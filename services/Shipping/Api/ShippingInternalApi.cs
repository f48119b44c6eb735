using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Contracts.Shipping;
using ShopDapr.ServiceDefaults;
using ShopDapr.Shipping.Domain;

namespace ShopDapr.Shipping.Api;

/// <summary>ordering → shipping through the sidecar: create (200 Shipment) and cancel (204), both idempotent per order.</summary>
public static class ShippingInternalApi
{
    public static IEndpointRouteBuilder MapShippingInternalApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup(ShippingRoutes.Shipments).WithTags("Shipping (internal)").RequireAuthorization(ShopNames.Policies.DaprSidecar);
        api.MapPost("/", Create);
        api.MapPost("/{orderId:guid}/cancel", Cancel);
        return routes;
    }

    public static async Task<Results<Ok<Shipment>, ProblemHttpResult>> Create(
        CreateShipmentRequest request, ShipmentService shipments, CancellationToken cancellationToken)
    {
        if (ShipmentRules.Check(request) is { } problem)
            return TypedResults.Problem(new HttpValidationProblemDetails(problem.Errors.ToDictionary())
            {
                Status = problem.Status,
                Title = problem.Status == StatusCodes.Status400BadRequest ? "The request is malformed" : "The request breaks a shipping rule",
            });
        return ShippingResults.From(await shipments.CreateAsync(request, cancellationToken), request.OrderId);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Cancel(Guid orderId, ShipmentService shipments, CancellationToken cancellationToken) =>
        await shipments.CancelAsync(orderId, cancellationToken) switch
        {
            ShipmentOutcome.Done => TypedResults.NoContent(),
            var other => ShippingResults.Problem(other, orderId),
        };
}

internal static class ShippingResults
{
    public static Results<Ok<Shipment>, ProblemHttpResult> From(ShipmentOutcome outcome, Guid orderId) =>
        outcome is ShipmentOutcome.Done done ? TypedResults.Ok(done.Shipment.ToShipment()) : Problem(outcome, orderId);

    public static ProblemHttpResult Problem(ShipmentOutcome outcome, Guid orderId) => outcome switch
    {
        ShipmentOutcome.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No shipment",
            detail: $"Order {orderId} has no shipment."),
        ShipmentOutcome.Refused refused => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
            title: $"The shipment is {refused.Shipment.Status.ToString().ToLowerInvariant()}", detail: refused.Reason,
            extensions: new Dictionary<string, object?> { ["shipmentStatus"] = refused.Shipment.Status.ToString() }),
        _ => throw new InvalidOperationException($"Unexpected outcome {outcome}."),
    };
}
