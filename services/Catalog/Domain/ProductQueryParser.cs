using System.Globalization;

namespace ShopDapr.Catalog.Domain;

/// <summary>
/// Turns the raw query-string values of a browse or search request into a query, or into errors keyed by the
/// parameter name. Every client mistake is reported; nothing is silently clamped.
/// </summary>
public static class ProductQueryParser
{
    public const int MaxSearchLength = 200;

    private static readonly Dictionary<string, ProductSort> Sorts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = ProductSort.Name,
        ["price"] = ProductSort.Price,
        ["-price"] = ProductSort.PriceDescending,
        ["newest"] = ProductSort.Newest,
    };

    public static bool TryParse(
        string? category, string? brand, string? minPrice, string? maxPrice, string? sort, string? page, string? pageSize,
        out ProductQuery query, out IReadOnlyDictionary<string, string[]> errors)
    {
        var found = new Dictionary<string, string[]>();
        var min = ParsePrice("minPrice", minPrice, found);
        var max = ParsePrice("maxPrice", maxPrice, found);
        if (min is { } lo && max is { } hi && lo > hi)
            found["maxPrice"] = ["maxPrice must not be less than minPrice."];

        var order = ProductSort.Name;
        if (!string.IsNullOrWhiteSpace(sort) && !Sorts.TryGetValue(sort.Trim(), out order))
            found["sort"] = [$"Unknown sort '{sort}'. Use one of: {string.Join(", ", Sorts.Keys)}."];

        var (pageNumber, size) = ParsePaging(page, pageSize, found);
        query = new ProductQuery
        {
            Category = Blank(category),
            Brand = Blank(brand),
            MinPrice = min,
            MaxPrice = max,
            Sort = order,
            Page = pageNumber,
            PageSize = size,
        };
        errors = found;
        return found.Count == 0;
    }

    /// <summary>Validates a full-text search request: q is required and at most <see cref="MaxSearchLength"/> characters.</summary>
    public static bool TryParseSearch(
        string? q, string? page, string? pageSize, out string text, out int pageNumber, out int size,
        out IReadOnlyDictionary<string, string[]> errors)
    {
        var found = new Dictionary<string, string[]>();
        text = q?.Trim() ?? "";
        if (text.Length == 0)
            found["q"] = ["The search text q is required."];
        else if (text.Length > MaxSearchLength)
            found["q"] = [$"The search text q must be at most {MaxSearchLength} characters."];
        (pageNumber, size) = ParsePaging(page, pageSize, found);
        errors = found;
        return found.Count == 0;
    }

    private static (int Page, int PageSize) ParsePaging(string? page, string? pageSize, Dictionary<string, string[]> errors)
    {
        var number = 1;
        var size = Paging.DefaultPageSize;
        if (!string.IsNullOrWhiteSpace(page) && (!int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number < 1))
            errors["page"] = ["page must be a whole number of at least 1."];
        if (!string.IsNullOrWhiteSpace(pageSize)
            && (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > Paging.MaxPageSize))
            errors["pageSize"] = [$"pageSize must be a whole number from 1 to {Paging.MaxPageSize}."];
        if (!errors.ContainsKey("page") && !errors.ContainsKey("pageSize") && (long)number * size > Paging.MaxWindow)
            errors["page"] = [$"page × pageSize must be at most {Paging.MaxWindow}; narrow the query instead."];
        return (Math.Max(number, 1), Math.Clamp(size, 1, Paging.MaxPageSize));
    }

    private static decimal? ParsePrice(string name, string? raw, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(raw))
            return null;
        if (!decimal.TryParse(raw, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            errors[name] = [$"{name} must be a number such as 19.99."];
            return null;
        }
        if (value < 0)
        {
            errors[name] = [$"{name} must not be negative."];
            return null;
        }
        return value;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
