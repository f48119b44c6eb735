namespace ShopDapr.Contracts.Catalog;

/// <summary>Service-to-service routes of catalog, called through Dapr service invocation.</summary>
public static class CatalogRoutes
{
    /// <summary><c>GET</c>: 204 when a product has this SKU (case-insensitive), 404 when none has, 503 while the catalog loads.</summary>
    public const string SkuPattern = "/internal/catalog/skus/{sku}";

    public static string Sku(string sku) => $"/internal/catalog/skus/{Uri.EscapeDataString(sku)}";
}
