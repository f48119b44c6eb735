using System.Globalization;

namespace ShopDapr.Web.Shop;

/// <summary>A recommended or trending product with what the catalog says of it (its name, price, availability).</summary>
public sealed record ProductPick(Recommended Pick, Product Product);

public static class ProductPicks
{
    /// <summary>
    /// The catalog's products for <paramref name="picks"/> (analytics answers ids, categories and prices, not names), asked
    /// for at once, in the picks' order. Each is found in the catalog's list filtered to its category (and price, when analytics gave one), never by
    /// reading the product itself: the catalog counts every product read as a shopper's view, and a page that shows picks
    /// must not feed the trends it shows. A pick the catalog no longer lists so (deleted, repriced) is left out: it is
    /// only a suggestion.
    /// </summary>
    public static async Task<IReadOnlyList<ProductPick>> ResolveAsync(this ShopApi api, IEnumerable<Recommended> picks, CancellationToken ct)
    {
        var lookups = picks
            .Where(p => !string.IsNullOrEmpty(p.Category))
            .Select(async pick =>
            {
                var price = pick.Price?.ToString(CultureInfo.InvariantCulture);
                var listed = await api.ProductsAsync(
                    $"?category={Uri.EscapeDataString(pick.Category!)}{(price is null ? "" : $"&minPrice={price}&maxPrice={price}")}&pageSize=100", ct);
                return (pick, product: listed.Value?.Items.FirstOrDefault(p => p.Id == pick.ProductId));
            })
            .ToList();
        var resolved = await Task.WhenAll(lookups);
        return [.. resolved.Where(r => r.product is not null).Select(r => new ProductPick(r.pick, r.product!))];
    }
}
