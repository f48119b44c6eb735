using ShopDapr.LoadGen.Shop;

namespace ShopDapr.LoadGen.Tastes;

/// <summary>A run with tastes (<c>--tastes</c>): what the shoppers buy from, and the admin who decides held orders.</summary>
internal sealed record TasteRun(Assortment Assortment, string AdminToken);

/// <summary>
/// The products a run with tastes buys from, by category and price band (the thirds of each category's products by
/// price), and the few dear ones for large orders. A pick is in the shopper's taste with <see cref="InTasteShare"/>
/// (a favourite category, in its price band when that category has products in it) and any product otherwise, so the
/// shop's views, carts and orders carry the tastes as signal and some noise besides.
/// </summary>
internal sealed class Assortment
{
    public const double InTasteShare = 0.8;

    private readonly Dictionary<string, Product[][]> _byCategory;

    public Assortment(IReadOnlyList<Product> products, IReadOnlyList<Product> large)
    {
        if (products.Count == 0)
            throw new ArgumentException("An assortment needs products.", nameof(products));
        Products = products;
        Large = large;
        _byCategory = products.GroupBy(p => p.Category, StringComparer.Ordinal).ToDictionary(g => g.Key, g => Bands([.. g.OrderBy(p => p.Price)]), StringComparer.Ordinal);
        Categories = [.. _byCategory.Keys.Order(StringComparer.Ordinal)];
    }

    public IReadOnlyList<Product> Products { get; }

    /// <summary>Products dear enough that two make a large order (empty when the run has no use for them).</summary>
    public IReadOnlyList<Product> Large { get; }

    public IReadOnlyList<string> Categories { get; }

    /// <summary>One product: in <paramref name="taste"/> with <see cref="InTasteShare"/>, any product otherwise.</summary>
    public Product Pick(ShopperTaste taste, Random random) =>
        random.NextDouble() < InTasteShare ? PickInTaste(taste, random) : Products[random.Next(Products.Count)];

    /// <summary>The category a shopper browses: a favourite with <see cref="InTasteShare"/>, any otherwise.</summary>
    public string PickCategory(ShopperTaste taste, Random random)
    {
        var favourites = taste.Favourites.Where(_byCategory.ContainsKey).ToList();
        return random.NextDouble() < InTasteShare && favourites.Count > 0
            ? favourites[random.Next(favourites.Count)]
            : Categories[random.Next(Categories.Count)];
    }

    /// <summary>Whether <paramref name="product"/> is in <paramref name="taste"/>: a favourite category and the shopper's band.</summary>
    public bool InTaste(ShopperTaste taste, Product product) =>
        taste.Favourites.Contains(product.Category, StringComparer.Ordinal) && _byCategory.TryGetValue(product.Category, out var bands)
        && (bands[(int)taste.Band].Length == 0 || bands[(int)taste.Band].Contains(product));

    private Product PickInTaste(ShopperTaste taste, Random random)
    {
        var favourites = taste.Favourites.Where(_byCategory.ContainsKey).ToList();
        if (favourites.Count == 0)
            return Products[random.Next(Products.Count)];
        var bands = _byCategory[favourites[random.Next(favourites.Count)]];
        var band = bands[(int)taste.Band];
        if (band.Length == 0)
            band = [.. bands.SelectMany(b => b)];
        return band[random.Next(band.Length)];
    }

    /// <summary>Cheapest, middle and dearest third of a category's products (sorted by price); a category of fewer than three leaves bands empty.</summary>
    private static Product[][] Bands(Product[] sorted) =>
        [.. Enumerable.Range(0, 3).Select(b => sorted[(sorted.Length * b / 3)..(sorted.Length * (b + 1) / 3)])];
}
