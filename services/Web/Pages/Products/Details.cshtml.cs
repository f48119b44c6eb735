using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages.Products;

/// <summary>One product with its availability, and "add to cart".</summary>
public sealed class DetailsModel(ShopApi api, AccessTokenCookie token) : ShopPage(api, token)
{
    public Product? Product { get; private set; }

    [BindProperty, Range(1, 99)] public int Quantity { get; set; } = 1;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        Product = Take(await Api.ProductAsync(id, ct));
        if (Product is null && Problem?.Status == StatusCodes.Status404NotFound)
            Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (!SignedIn)
            return SignInFirst();
        var added = await Api.AddToCartAsync(id, Quantity, ct);
        if (added.Ok)
            return Redirect("/cart");
        Problem = added.Problem;
        Product = Take(await Api.ProductAsync(id, ct));
        return Page();
    }
}
