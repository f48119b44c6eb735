using ShopDapr.Catalog.Search;

namespace ShopDapr.Catalog.Tests.Functional;

/// <summary>What a client reads back (mirrors the wire shape, not the server types, so a renamed field fails a test).</summary>
public sealed record ProductDto(
    Guid Id, string Sku, string Name, string Description, string Category, string Brand, decimal Price, string Currency,
    Dictionary<string, string> Attributes, int Available, bool StockKnown, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record PageDto(List<ProductDto> Items, long Total, int Page, int PageSize);

public sealed record SearchDto(List<ProductDto> Items, int Total, int Page, int PageSize, FacetsDto Facets);

public sealed record FacetsDto(List<FacetValue> Categories, List<FacetValue> Brands);

public sealed record CategoryDto(string Slug, string Name, int ProductCount);

public sealed record ProblemDto(int Status, string? Title, string? Detail, Dictionary<string, string[]>? Errors);
