namespace ShopDapr.Catalog.Api;

/// <summary>The catalog's public API under <c>/api/catalog</c>: browse, search and categories for anyone, edits for admins.</summary>
public static class CatalogApi
{
    public const string Prefix = "/api/catalog";

    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup(Prefix)
            .WithTags("Catalog")
            .MapBrowseApi()
            .MapSearchApi()
            .MapCategoriesApi()
            .MapEditApi();
        app.MapSkuApi();
        return app;
    }
}
