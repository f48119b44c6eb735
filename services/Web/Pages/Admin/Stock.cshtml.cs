using Microsoft.AspNetCore.Mvc;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages.Admin;

/// <summary>Stock of one SKU (on hand, reserved, available), and setting what is on hand.</summary>
public sealed class StockModel(ShopApi api, AccessTokenCookie token) : AdminPage(api, token)
{
    [BindProperty(SupportsGet = true)] public string? Sku { get; set; }
    [BindProperty] public int? OnHand { get; set; }

    public StockLevel? Level { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!SignedIn)
            return SignInFirst();
        if (await IsAdminAsync(ct) && !string.IsNullOrWhiteSpace(Sku))
            Level = Take(await Api.StockAsync(Sku.Trim(), ct));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!SignedIn)
            return SignInFirst();
        if (string.IsNullOrWhiteSpace(Sku) || OnHand is null)
        {
            Problem = new ApiProblem("The stock form is incomplete", "Give a SKU and the units on hand.", 400, null);
            return Page();
        }
        var set = await Api.SetStockAsync(Sku.Trim(), OnHand.Value, ct);
        if (set.Ok)
            return Redirect($"/admin/stock?sku={Uri.EscapeDataString(Sku.Trim())}");
        Problem = set.Problem;
        return Page();
    }
}
