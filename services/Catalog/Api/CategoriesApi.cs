using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ShopDapr.Catalog.Data;
using ShopDapr.Catalog.Domain;

namespace ShopDapr.Catalog.Api;

/// <summary>The category list with live product counts. Anonymous.</summary>
internal static class CategoriesApi
{
    public static RouteGroupBuilder MapCategoriesApi(this RouteGroupBuilder group)
    {
        group.MapGet("/categories", ListCategories).WithName("ListCategories").AllowAnonymous();
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<CategoryResponse>>, ProblemHttpResult>> ListCategories(
        ProductCache cache, IOptions<CatalogOptions> options, CancellationToken cancellationToken)
    {
        if (!await cache.WaitLoadedAsync(options.Value.LoadWait, cancellationToken))
            return ApiProblems.Loading();
        var counts = cache.Products.GroupBy(p => p.Category, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<CategoryResponse> categories = Categories.All
            .Select(c => new CategoryResponse(c.Slug, c.Name, counts.GetValueOrDefault(c.Slug)))
            .ToList();
        return TypedResults.Ok(categories);
    }
}
