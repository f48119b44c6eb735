namespace ShopDapr.Contracts.Catalog;

/// <summary>
/// What other services read of a product through <c>GET /api/catalog/products/{id}</c> (cart prices a line with it).
/// The catalog's product response carries at least these fields (camelCase JSON); readers ignore the rest.
/// </summary>
public sealed record ProductSummary(Guid Id, string Sku, string Name, decimal Price, int Available);
