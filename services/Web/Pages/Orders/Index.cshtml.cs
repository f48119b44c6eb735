using Microsoft.AspNetCore.Mvc;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages.Orders;

/// <summary>My orders, newest first.</summary>
public sealed class IndexModel(ShopApi api, AccessTokenCookie token) : ShopPage(api, token)
{
    [BindProperty(SupportsGet = true, Name = "page")] public int PageNumber { get; set; } = 1;

    public PagedList<Order>? Orders { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!SignedIn)
            return SignInFirst();
        Orders = Take(await Api.OrdersAsync(Math.Max(1, PageNumber), 20, ct));
        return Page();
    }
}
