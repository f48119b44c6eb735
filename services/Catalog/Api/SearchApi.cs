using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ShopDapr.Catalog.Data;
using ShopDapr.Catalog.Domain;
using ShopDapr.Catalog.Events;
using ShopDapr.Contracts.Analytics;

namespace ShopDapr.Catalog.Api;

/// <summary>Full-text search with facets. Anonymous.</summary>
internal static class SearchApi
{
    public static RouteGroupBuilder MapSearchApi(this RouteGroupBuilder group)
    {
        group.MapGet("/search", Search).WithName("SearchProducts").AllowAnonymous();
        return group;
    }

    public static async Task<Results<Ok<SearchResponse>, ValidationProblem, ProblemHttpResult>> Search(
        [AsParameters] SearchRequest request, HttpContext http, ProductCache cache, StockView stock, EventPublisher events, TimeProvider time,
        IOptions<CatalogOptions> options, CancellationToken cancellationToken)
    {
        if (!ProductQueryParser.TryParseSearch(request.Q, request.Page, request.PageSize, out var text, out var page, out var pageSize, out var errors))
            return TypedResults.ValidationProblem(errors.ToDictionary());
        if (!await cache.WaitLoadedAsync(options.Value.LoadWait, cancellationToken))
            return ApiProblems.Loading();

        var results = cache.Index.Search(text, page, pageSize);
        var items = new List<ProductResponse>(results.Hits.Count);
        foreach (var hit in results.Hits)
        {
            if (cache.TryGet(hit.ProductId, out var product))
                items.Add(ProductResponse.From(product.Product, stock));
        }

        await events.PublishBehaviorAsync(
            new SearchPerformed(text, results.Total, BrowseApi.UserId(http.User), time.GetUtcNow()), cancellationToken);
        return TypedResults.Ok(new SearchResponse(items, results.Total, page, pageSize, results.Facets));
    }
}
