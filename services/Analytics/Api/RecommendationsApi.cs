using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Contracts.Common;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Analytics.Api;

/// <summary>
/// <c>/api/recommendations</c>: <c>GET /me</c> (customer) the signed-in customer's recommendations; <c>GET
/// /products/{id}</c> (anyone) what is bought together with a product, 404 for a product analytics does not know.
/// </summary>
public static class RecommendationsApi
{
    /// <summary>Response header naming the ranker that ordered the recommendations (<c>heuristic</c> or a model version).</summary>
    public const string RankerHeader = "x-shopdapr-ranker";

    public static IEndpointRouteBuilder MapRecommendationsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/recommendations").WithTags("Recommendations");
        api.MapGet("/me", ForMe).RequireAuthorization(ShopNames.Policies.Customer);
        api.MapGet("/products/{id:guid}", BoughtTogether).AllowAnonymous();
        return routes;
    }

    public static async Task<Results<Ok<PagedList<RecommendedProduct>>, ValidationProblem>> ForMe(
        ClaimsPrincipal user, HttpResponse response, RecommendationService recommendations, RankerProvider rankers, CancellationToken cancellationToken,
        int page = 1, int pageSize = 10)
    {
        if (Paging.Check(page, pageSize) is { Count: > 0 } errors)
            return Paging.Problem(errors);
        var ranker = rankers.Current;
        response.Headers[RankerHeader] = ranker.Name;
        var items = await recommendations.ForCustomerAsync(Subject(user), ranker, cancellationToken);
        return TypedResults.Ok(Paging.Page(items, page, pageSize));
    }

    public static async Task<Results<Ok<PagedList<RecommendedProduct>>, ValidationProblem, ProblemHttpResult>> BoughtTogether(
        Guid id, RecommendationService recommendations, CancellationToken cancellationToken, int page = 1, int pageSize = 10)
    {
        if (Paging.Check(page, pageSize) is { Count: > 0 } errors)
            return Paging.Problem(errors);
        return await recommendations.BoughtTogetherAsync(id, cancellationToken) is { } items
            ? TypedResults.Ok(Paging.Page(items, page, pageSize))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown product", detail: $"Analytics has never seen product {id}.");
    }

    internal static string Subject(ClaimsPrincipal user) =>
        user.FindFirst(ShopNames.ClaimTypes.Subject)?.Value is { Length: > 0 } subject
            ? subject
            : throw new InvalidOperationException("An authorised token has no subject.");
}
