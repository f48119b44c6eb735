using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ShopDapr.Catalog.Data;
using ShopDapr.Catalog.Domain;
using ShopDapr.Catalog.Events;
using ShopDapr.Contracts.Analytics;
using ShopDapr.Contracts.Common;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Catalog.Api;

/// <summary>Browsing: the product list with filters, sorting and paging, and one product. Anonymous.</summary>
internal static class BrowseApi
{
    public const string GetProductRoute = "GetProduct";

    public static RouteGroupBuilder MapBrowseApi(this RouteGroupBuilder group)
    {
        group.MapGet("/products", ListProducts).WithName("ListProducts").AllowAnonymous();
        group.MapGet("/products/{id:guid}", GetProduct).WithName(GetProductRoute).AllowAnonymous();
        return group;
    }

    public static async Task<Results<Ok<PagedList<ProductResponse>>, ValidationProblem, ProblemHttpResult>> ListProducts(
        [AsParameters] ListProductsRequest request, ProductCache cache, StockView stock, IOptions<CatalogOptions> options, CancellationToken cancellationToken)
    {
        if (!ProductQueryParser.TryParse(request.Category, request.Brand, request.MinPrice, request.MaxPrice, request.Sort,
                request.Page, request.PageSize, out var query, out var errors))
            return TypedResults.ValidationProblem(errors.ToDictionary());
        if (!await cache.WaitLoadedAsync(options.Value.LoadWait, cancellationToken))
            return ApiProblems.Loading();

        var page = query.Apply(cache.Products);
        return TypedResults.Ok(new PagedList<ProductResponse>(
            page.Items.Select(p => ProductResponse.From(p, stock)).ToList(), page.Total, page.PageNumber, page.PageSize));
    }

    public static async Task<Results<Ok<ProductResponse>, NotFound, ProblemHttpResult>> GetProduct(
        Guid id, HttpContext http, ProductCache cache, StockView stock, EventPublisher events, TimeProvider time,
        IOptions<CatalogOptions> options, CancellationToken cancellationToken)
    {
        if (!await cache.WaitLoadedAsync(options.Value.LoadWait, cancellationToken))
            return ApiProblems.Loading();
        if (!cache.TryGet(id, out var product))
            return TypedResults.NotFound();

        var shown = product.Product;
        await events.PublishBehaviorAsync(
            new ProductViewed(id, UserId(http.User), time.GetUtcNow(), shown.Category, shown.Sku, shown.Price.Amount), cancellationToken);
        ETags.Write(http.Response, product.ETag);
        return TypedResults.Ok(ProductResponse.From(product.Product, stock));
    }

    /// <summary>The signed-in shopper's id, or null for an anonymous one.</summary>
    public static string? UserId(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? user.FindFirstValue(ShopNames.ClaimTypes.Subject) : null;
}
