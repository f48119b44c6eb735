using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Analytics.Domain.Fraud;
using ShopDapr.Analytics.Infrastructure;
using ShopDapr.Contracts.Analytics;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Analytics.Api;

/// <summary>
/// <c>POST /internal/fraud/score</c>, for ordering's saga through its sidecar (the app token; access control lets only
/// ordering call it): the promoted fraud model's score of one order with its top reasons; 503 when no model serves.
/// </summary>
public static class FraudApi
{
    public static IEndpointRouteBuilder MapFraudApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(AnalyticsRoutes.FraudScore, Score).WithTags("Internal").RequireAuthorization(ShopNames.Policies.DaprSidecar).ExcludeFromDescription();
        return routes;
    }

    public static async Task<Results<Ok<FraudScoreResult>, ValidationProblem, ProblemHttpResult>> Score(
        FraudScoreRequest? request, FraudTraining training, AnalyticsStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = Check(request);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "The request is malformed");
        if (training.Current is not { } model)
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "No fraud model is serving",
                detail: "No fraud model has been promoted yet (or it cannot be loaded); score with the rules.");
        var risk = await store.GetAsync<CustomerRisk>(StateKeys.Risk(request!.CustomerId), cancellationToken) ?? CustomerRisk.Empty(request.CustomerId);
        var features = risk.FeaturesOf(request.OrderId, time.GetUtcNow(), request.CardLast4, request.ShippingCountry, request.Total, request.Lines, request.Units);
        var verdict = FraudVerdict.Of(model, features);
        return TypedResults.Ok(new FraudScoreResult(verdict.Score, verdict.Version, verdict.Reasons));
    }

    private static Dictionary<string, string[]> Check(FraudScoreRequest? request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null)
        {
            errors[""] = ["A body is required."];
            return errors;
        }
        if (request.OrderId == Guid.Empty)
            errors["orderId"] = ["orderId is required."];
        if (string.IsNullOrWhiteSpace(request.CustomerId))
            errors["customerId"] = ["customerId is required."];
        if (request.Total < 0)
            errors["total"] = ["total is not negative."];
        if (request.Lines < 1)
            errors["lines"] = ["An order has at least one line."];
        if (request.Units < request.Lines)
            errors["units"] = ["An order has at least one unit per line."];
        if (string.IsNullOrWhiteSpace(request.ShippingCountry))
            errors["shippingCountry"] = ["shippingCountry is required."];
        if (request.CardLast4 is not { Length: 4 } last4 || !last4.All(char.IsAsciiDigit))
            errors["cardLast4"] = ["cardLast4 is the card's last four digits."];
        return errors;
    }
}
