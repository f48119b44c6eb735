namespace ShopDapr.Catalog.Domain;

public enum ProductSort
{
    Name,
    Price,
    PriceDescending,
    Newest,
}

/// <summary>One page of a list.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int PageNumber, int PageSize);

/// <summary>A browse request: filters, an order and a page. Build it with <see cref="ProductQueryParser"/>.</summary>
public sealed record ProductQuery
{
    public string? Category { get; init; }
    public string? Brand { get; init; }
    public decimal? MinPrice { get; init; }
    public decimal? MaxPrice { get; init; }
    public ProductSort Sort { get; init; } = ProductSort.Name;
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = Paging.DefaultPageSize;

    public bool Matches(Product p) =>
        (Category is null || string.Equals(p.Category, Category, StringComparison.OrdinalIgnoreCase))
        && (Brand is null || string.Equals(p.Brand, Brand, StringComparison.OrdinalIgnoreCase))
        && (MinPrice is not { } min || p.Price.Amount >= min)
        && (MaxPrice is not { } max || p.Price.Amount <= max);

    /// <summary>Filters, orders (ties broken by id, so pages never overlap) and cuts one page.</summary>
    public Page<Product> Apply(IEnumerable<Product> products)
    {
        var matching = products.Where(Matches);
        var ordered = Sort switch
        {
            ProductSort.Price => matching.OrderBy(p => p.Price.Amount),
            ProductSort.PriceDescending => matching.OrderByDescending(p => p.Price.Amount),
            ProductSort.Newest => matching.OrderByDescending(p => p.CreatedAt),
            _ => matching.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase),
        };
        var all = ordered.ThenBy(p => p.Id).ToList();
        var items = all.Skip((Page - 1) * PageSize).Take(PageSize).ToList();
        return new Page<Product>(items, all.Count, Page, PageSize);
    }
}

/// <summary>Paging bounds shared by browse and search.</summary>
public static class Paging
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>How deep a client may page (page × pageSize), so a request cannot ask for the whole catalog at once.</summary>
    public const int MaxWindow = 10_000;
}
