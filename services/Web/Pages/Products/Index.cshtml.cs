using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages.Products;

/// <summary>Browse: the catalog with category, brand and price filters, sorting and paging.</summary>
public sealed class IndexModel(ShopApi api, AccessTokenCookie token) : ShopPage(api, token)
{
    public const int PageSize = 12;

    [BindProperty(SupportsGet = true)] public string? Category { get; set; }
    [BindProperty(SupportsGet = true)] public string? Brand { get; set; }
    [BindProperty(SupportsGet = true)] public decimal? MinPrice { get; set; }
    [BindProperty(SupportsGet = true)] public decimal? MaxPrice { get; set; }
    [BindProperty(SupportsGet = true)] public string? Sort { get; set; }
    /// <summary>The <c>page</c> query value (read by hand: Razor Pages keeps the name <c>page</c> for its own route value).</summary>

    public IReadOnlyList<Category> Categories { get; private set; } = [];
    public PagedList<Product>? Products { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Categories = Take(await Api.CategoriesAsync(ct)) ?? [];
        Products = Take(await Api.ProductsAsync(Query(PageNumber), ct));
    }

    /// <summary>The API's query for these filters on <paramref name="page"/>; also this page's own link to it.</summary>
    public string Query(int page)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
        }
        Add("category", Category);
        Add("brand", Brand);
        Add("minPrice", MinPrice?.ToString(CultureInfo.InvariantCulture));
        Add("maxPrice", MaxPrice?.ToString(CultureInfo.InvariantCulture));
        Add("sort", Sort);
        parts.Add($"page={Math.Max(1, page)}");
        parts.Add($"pageSize={PageSize}");
        return "?" + string.Join('&', parts);
    }
}
