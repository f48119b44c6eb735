using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Contracts.Payment;
using ShopDapr.Payment.Domain;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Payment.Api;

/// <summary>
/// ordering → payment through the sidecar: charge by card token (200 / 402 declined / 422 unknown token / 503 transient,
/// retry) and refund, both idempotent per order. 409 when a duplicate is still being charged or asks for another amount.
/// </summary>
public static class PaymentInternalApi
{
    /// <summary>The <c>code</c> of the 422 for a token the vault does not hold.</summary>
    public const string UnknownCardCode = "card_not_found";

    public static IEndpointRouteBuilder MapPaymentInternalApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup(PaymentRoutes.Charges).WithTags("Payments (internal)").RequireAuthorization(ShopNames.Policies.DaprSidecar);
        api.MapPost("/", Charge);
        api.MapPost("/{orderId:guid}/refund", Refund);
        return routes;
    }

    public static async Task<Results<Ok<PaymentResult>, ProblemHttpResult>> Charge(
        ChargeRequest request, PaymentProcessor payments, HttpContext http, CancellationToken cancellationToken)
    {
        if (ChargeRules.Check(request) is { } problem)
            return TypedResults.Problem(new HttpValidationProblemDetails(problem.Errors.ToDictionary())
            {
                Status = problem.Status,
                Title = problem.Status == StatusCodes.Status400BadRequest ? "The request is malformed" : "The request breaks a payment rule",
            });
        return await payments.ChargeAsync(request, cancellationToken) switch
        {
            ChargeOutcome.Charged charged => TypedResults.Ok(charged.Result),
            ChargeOutcome.Declined declined => Declined(request.OrderId, declined),
            ChargeOutcome.Transient transient => Transient(http, transient.Message),
            ChargeOutcome.InProgress => InProgress(request.OrderId),
            ChargeOutcome.UnknownCard => TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "The card is not in the vault", detail: "The card token names no vaulted card; nothing was charged.",
                extensions: new Dictionary<string, object?> { ["code"] = UnknownCardCode, ["orderId"] = request.OrderId }),
            ChargeOutcome.Mismatch mismatch => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "The order was charged for another amount",
                detail: $"Order {request.OrderId} was charged {mismatch.Amount} {mismatch.Currency}; a repeat must ask for the same amount."),
            var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
        };
    }

    public static async Task<Results<Ok<PaymentResult>, ProblemHttpResult>> Refund(
        Guid orderId, PaymentProcessor payments, HttpContext http, CancellationToken cancellationToken) =>
        await payments.RefundAsync(orderId, cancellationToken) switch
        {
            RefundOutcome.Refunded refunded => TypedResults.Ok(refunded.Result),
            RefundOutcome.NotCharged => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
                title: "Nothing was charged", detail: $"Order {orderId} has no charge to refund."),
            RefundOutcome.InProgress => InProgress(orderId),
            RefundOutcome.Transient transient => Transient(http, transient.Message),
            var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
        };

    private static ProblemHttpResult Declined(Guid orderId, ChargeOutcome.Declined declined) =>
        TypedResults.Problem(statusCode: StatusCodes.Status402PaymentRequired, title: "The payment was declined",
            detail: declined.Message, extensions: new Dictionary<string, object?> { ["code"] = declined.Code, ["orderId"] = orderId });

    private static ProblemHttpResult Transient(HttpContext http, string message)
    {
        http.Response.Headers.RetryAfter = "1";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The card provider is unavailable; retry", detail: message);
    }

    private static ProblemHttpResult InProgress(Guid orderId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The payment is being processed; retry",
            detail: $"Another request for order {orderId} is in progress.");
}
