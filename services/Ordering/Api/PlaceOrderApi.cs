using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Ordering.Domain;
using ShopDapr.Ordering.Infrastructure;
using ShopDapr.Ordering.Workflows;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Ordering.Api;

/// <summary>
/// <c>POST /internal/orders</c> (cart → ordering through the sidecar): records <see cref="OrderSubmitted"/> and starts
/// the order's workflow. Idempotent per (customer, key): every step is safe to repeat, so a retry after any failure
/// finishes what the first attempt began and answers the same order id (200 instead of 202). The same key with another
/// request (another <see cref="PlaceOrderRequest.RequestFingerprint"/>) is a 422 and changes nothing.
/// </summary>
public static class PlaceOrderApi
{
    public static IEndpointRouteBuilder MapPlaceOrderApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(OrderingRoutes.PlaceOrder, PlaceOrder)
            .WithTags("Internal")
            .RequireAuthorization(ShopNames.Policies.DaprSidecar);
        return routes;
    }

    public static async Task<Results<Accepted<PlaceOrderResponse>, Ok<PlaceOrderResponse>, ValidationProblem, ProblemHttpResult>> PlaceOrder(
        PlaceOrderRequest request, IdempotencyKeys keys, OrderEventStore events, IOrderWorkflows workflows,
        IOptions<OrderingOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (PlaceOrderRules.Check(request) is { Count: > 0 } errors)
            return TypedResults.ValidationProblem(errors, title: "The order is malformed");

        var (orderId, claimed, otherRequest) = await keys.ClaimAsync(request.CustomerId, request.IdempotencyKey, Guid.NewGuid(), request.RequestFingerprint, cancellationToken);
        if (otherRequest)
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "The Idempotency-Key was used for another request",
                detail: "This idempotency key already placed an order with a different shipping address or card; use a new key for a new checkout.");
        var total = request.Lines.Sum(l => l.UnitPrice * l.Quantity);
        // The first event's id is the order id: a repeat finds it in the stream and writes only what an earlier attempt missed.
        var now = time.GetUtcNow();
        await events.SubmitAsync(orderId, request.CustomerId, now, version => new OrderSubmitted(
            orderId, orderId, version, request.CustomerId, request.CustomerEmail, now, request.Lines, total,
            request.Currency, request.ShippingAddress, request.Card.Last4), cancellationToken);
        // A repeat of a checkout whose saga has ended starts none: the finished workflow may be purged already (the
        // Configuration's stateRetentionPolicy) or its id taken as free to run again; the order's stream is the record.
        if (!claimed && await events.LoadAsync(orderId, cancellationToken) is { IsFinished: true })
            return TypedResults.Ok(new PlaceOrderResponse(orderId));
        await workflows.StartAsync(new OrderSnapshot(orderId, request.CustomerId, request.CustomerEmail, request.Lines, request.Currency,
            request.ShippingAddress, request.Card, options.Value.ApprovalTimeout), cancellationToken);

        var response = new PlaceOrderResponse(orderId);
        return claimed
            ? TypedResults.Accepted($"/api/orders/{orderId}", response)
            : TypedResults.Ok(response);
    }
}
