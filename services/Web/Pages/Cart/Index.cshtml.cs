using Microsoft.AspNetCore.Mvc;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages.Cart;

/// <summary>The cart: lines, quantities (change or remove) and the total.</summary>
public sealed class IndexModel(ShopApi api, AccessTokenCookie token) : ShopPage(api, token)
{
    public CartView? Cart { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!SignedIn)
            return SignInFirst();
        Cart = Take(await Api.CartAsync(ct));
        return Page();
    }

    public async Task<IActionResult> OnPostQuantityAsync(Guid productId, int quantity, CancellationToken ct) =>
        await AfterAsync(quantity <= 0 ? await Api.RemoveFromCartAsync(productId, ct) : await Api.SetQuantityAsync(productId, quantity, ct), ct);

    public async Task<IActionResult> OnPostRemoveAsync(Guid productId, CancellationToken ct) =>
        await AfterAsync(await Api.RemoveFromCartAsync(productId, ct), ct);

    private async Task<IActionResult> AfterAsync(ApiResult<CartView> change, CancellationToken ct)
    {
        if (!SignedIn)
            return SignInFirst();
        if (change.Ok)
            return RedirectToPage();
        Problem = change.Problem;
        Cart = Take(await Api.CartAsync(ct));
        return Page();
    }
}
