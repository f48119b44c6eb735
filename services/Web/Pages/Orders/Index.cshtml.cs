using Microsoft.AspNetCore.Mvc;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages.Orders;

/// <summary>My orders, newest first.</summary>
public sealed class IndexModel(ShopApi api, AccessTokenCookie token) : ShopPage(api, token)
{
    /// <summary>The <c>page</c> query value (read by hand: Razor Pages keeps the name <c>page</c> for its own route value).</summary>

    public PagedList<Order>? Orders { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!SignedIn)
            return SignInFirst();
        Orders = Take(await Api.OrdersAsync(Math.Max(1, PageNumber), 20, ct));
        return Page();
    }
}
