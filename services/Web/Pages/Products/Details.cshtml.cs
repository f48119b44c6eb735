using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using ShopDapr.Web.Shop;

namespace ShopDapr.Web.Pages.Products;

/// <summary>
/// One product with its availability, "add to cart", what is bought together with it and, for a signed-in customer,
/// what analytics picked for them. A small script keeps the availability current (short polling of
/// <see cref="OnGetAvailabilityAsync"/>); without scripts the page shows it as it was when rendered.
/// </summary>
public sealed class DetailsModel(ShopApi api, AccessTokenCookie token) : ShopPage(api, token)
{
    public const int PicksShown = 4;

    public Product? Product { get; private set; }

    [BindProperty, Range(1, 99)] public int Quantity { get; set; } = 1;

    /// <summary>Bought together with this product; empty when analytics has nothing or did not answer (the box is hidden).</summary>
    public IReadOnlyList<ProductPick> BoughtTogether { get; private set; } = [];

    /// <summary>The signed-in customer's recommendations, this product left out; empty hides the box.</summary>
    public IReadOnlyList<ProductPick> ForYou { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var product = Api.ProductAsync(id, ct);
        var together = Api.BoughtTogetherAsync(id, PicksShown, ct);
        var forYou = SignedIn ? Api.ForMeAsync(PicksShown + 1, ct) : null;
        Product = Take(await product);
        if (Product is null && Problem?.Status == StatusCodes.Status404NotFound)
            Response.StatusCode = StatusCodes.Status404NotFound;
        // Recommendations are extras: a failed or empty answer hides their box and is no problem to show.
        var picks = (await together).Value?.Items ?? [];
        var mine = forYou is null ? [] : (await forYou).Value?.Items.Where(p => p.ProductId != id).Take(PicksShown).ToList() ?? [];
        if (Product is not null)
        {
            var resolvedTogether = Api.ResolveAsync(picks, ct);
            var resolvedMine = Api.ResolveAsync(mine, ct);
            BoughtTogether = await resolvedTogether;
            ForYou = await resolvedMine;
        }
        return Page();
    }

    /// <summary>
    /// The availability alone, as JSON, for the page's polling script: read from inventory (the stock itself), not by
    /// reading the product again, which the catalog would count as one more view.
    /// </summary>
    public async Task<IActionResult> OnGetAvailabilityAsync(string? sku, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(sku))
            return BadRequest();
        var stock = await Api.StockAsync(sku, ct);
        if (stock.Value is { } level)
            return new JsonResult(new { availability = Shop.Product.Describe(true, level.Available), available = level.Available });
        return stock.Problem?.Status == StatusCodes.Status404NotFound
            ? new JsonResult(new { availability = Shop.Product.Describe(false, 0), available = 0 })
            : StatusCode(stock.Problem?.Status ?? StatusCodes.Status502BadGateway);
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
