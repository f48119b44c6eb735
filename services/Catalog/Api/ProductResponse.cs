using ShopDapr.Catalog.Data;
using ShopDapr.Catalog.Domain;
using ShopDapr.Catalog.Search;

namespace ShopDapr.Catalog.Api;

/// <summary>
/// A product as the public API shows it (a superset of Contracts' <c>ProductSummary</c>).
/// </summary>
/// <param name="Price">The amount, in <paramref name="Currency"/>.</param>
/// <param name="Available">
/// Units inventory can still sell (on hand minus reserved), as its last stock event on <c>inventory-events</c> said;
/// 0 with <paramref name="StockKnown"/> true is sold out.
/// </param>
/// <param name="StockKnown">False while inventory has published nothing for the SKU (never stocked): then
/// <paramref name="Available"/> is 0 as a placeholder, not a count.</param>
public sealed record ProductResponse(
    Guid Id,
    string Sku,
    string Name,
    string Description,
    string Category,
    string Brand,
    decimal Price,
    string Currency,
    IReadOnlyDictionary<string, string> Attributes,
    int Available,
    bool StockKnown,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ProductResponse From(Product p, StockView stock)
    {
        var level = stock.Find(p.Sku);
        return new(
            p.Id, p.Sku, p.Name, p.Description, p.Category, p.Brand, p.Price.Amount, p.Price.Currency, p.Attributes,
            Available: level?.Available ?? 0, StockKnown: level is not null, p.CreatedAt, p.UpdatedAt);
    }
}

/// <summary>A search answer: the page of products, best match first, and facets over all matches.</summary>
public sealed record SearchResponse(
    IReadOnlyList<ProductResponse> Items, int Total, int Page, int PageSize, SearchFacets Facets);

/// <summary>A category with how many products it holds now.</summary>
public sealed record CategoryResponse(string Slug, string Name, int ProductCount);

/// <summary>The body of POST and PUT: every editable field of a product (the currency defaults to USD).</summary>
public sealed record ProductRequest(
    string? Sku,
    string? Name,
    string? Description,
    string? Category,
    string? Brand,
    decimal? Price,
    string? Currency,
    Dictionary<string, string>? Attributes)
{
    public const string DefaultCurrency = "USD";

    public ProductDraft ToDraft() => new(
        Sku ?? "", Name ?? "", Description, Category ?? "", Brand ?? "", Price ?? 0m, Currency ?? DefaultCurrency, Attributes);
}

/// <summary>The query string of GET /products, bound as text so every mistake gets a precise message.</summary>
public sealed record ListProductsRequest(
    string? Category, string? Brand, string? MinPrice, string? MaxPrice, string? Sort, string? Page, string? PageSize);

/// <summary>The query string of GET /search.</summary>
public sealed record SearchRequest(string? Q, string? Page, string? PageSize);
