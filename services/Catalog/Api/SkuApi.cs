using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ShopDapr.Catalog.Data;
using ShopDapr.Contracts.Catalog;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Catalog.Api;

/// <summary>
/// <see cref="CatalogRoutes.SkuPattern"/> (inventory → catalog through the sidecar): whether a product has this SKU.
/// The catalog owns which products exist; inventory asks before an admin stocks a SKU.
/// </summary>
internal static class SkuApi
{
    public static IEndpointRouteBuilder MapSkuApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(CatalogRoutes.SkuPattern, SkuExists).WithTags("Catalog (internal)").RequireAuthorization(ShopNames.Policies.DaprSidecar);
        return routes;
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> SkuExists(
        string sku, ProductCache cache, IOptions<CatalogOptions> options, CancellationToken cancellationToken)
    {
        if (!await cache.WaitLoadedAsync(options.Value.LoadWait, cancellationToken))
            return ApiProblems.Loading();
        return cache.SkuTaken(sku) ? TypedResults.NoContent() : TypedResults.NotFound();
    }
}
