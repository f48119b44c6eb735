using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Analytics.Domain;
using ShopDapr.Contracts.Common;

namespace ShopDapr.Analytics.Api;

/// <summary><c>GET /api/trending?category=&amp;window=hour|day</c> (anyone): the products most viewed, carted and bought lately.</summary>
public static class TrendingApi
{
    public const int MaxCategoryLength = 100;

    public static IEndpointRouteBuilder MapTrendingApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/trending", GetTrending).WithTags("Trending").AllowAnonymous();
        return routes;
    }

    public static async Task<Results<Ok<PagedList<RecommendedProduct>>, ValidationProblem>> GetTrending(
        RecommendationService recommendations, CancellationToken cancellationToken,
        string? category = null, string? window = null, int page = 1, int pageSize = 20)
    {
        var errors = Paging.Check(page, pageSize);
        var span = TrendWindow.Find(window);
        if (span is null)
            errors["window"] = [$"window is one of {string.Join(", ", TrendWindow.All.Select(w => w.Name))}."];
        if (category is { Length: > MaxCategoryLength } || category?.Contains("||", StringComparison.Ordinal) == true)
            errors["category"] = [$"category is at most {MaxCategoryLength} characters."];
        if (errors.Count > 0)
            return Paging.Problem(errors);
        var items = await recommendations.TrendingAsync(EventEffects.Category(category), span!, cancellationToken);
        return TypedResults.Ok(Paging.Page(items, page, pageSize));
    }
}
