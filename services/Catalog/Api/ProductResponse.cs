using ShopDapr.Catalog.Domain;
using ShopDapr.Catalog.Search;

namespace ShopDapr.Catalog.Api;

/// <summary>
/// A product as the public API shows it (a superset of Contracts' <c>ProductSummary</c>).
/// </summary>
/// <param name="Price">The amount, in <paramref name="Currency"/>.</param>
/// <param name="Available">
/// Units in stock. The catalog does not know stock yet: until the inventory service exists this is always 0
/// and <paramref name="StockKnown"/> is false, so 0 here does not mean sold out.
/// </param>
/// <param name="StockKnown">False while <paramref name="Available"/> is a placeholder rather than a real count.</param>
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
    public static ProductResponse From(Product p) => new(
        p.Id, p.Sku, p.Name, p.Description, p.Category, p.Brand, p.Price.Amount, p.Price.Currency, p.Attributes,
        Available: 0, StockKnown: false, p.CreatedAt, p.UpdatedAt);
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
