using Microsoft.AspNetCore.Mvc;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages;

/// <summary>Full-text search (the API forgives typos) with category and brand facets over every match.</summary>
public sealed class SearchModel(ShopApi api, AccessTokenCookie token) : ShopPage(api, token)
{
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    /// <summary>The <c>page</c> query value (read by hand: Razor Pages keeps the name <c>page</c> for its own route value).</summary>

    public SearchResult? Result { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(Q))
            Result = Take(await Api.SearchAsync(Q, Math.Max(1, PageNumber), ct));
    }

    public string Link(int page) => $"/search?q={Uri.EscapeDataString(Q ?? "")}&page={page}";
}
