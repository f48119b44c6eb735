using System.Diagnostics;
using ShopDapr.LoadGen.Tastes;

namespace ShopDapr.LoadGen.Shop;

/// <summary>
/// What a run needs before it starts: the shop answering, cheap products (no fraud hold) with generous stock set by the
/// admin, and registered shoppers. Nothing here is measured.
/// </summary>
internal sealed class Seeder(ShopApi api, TextWriter log)
{
    /// <summary>Orders stay under this total (lines × quantity × price), far below the fraud rules' large-order threshold.</summary>
    public const decimal MaxProductPrice = 100m;

    /// <summary>Waits until the gateway answers and the catalog lists products (the demo catalog loads on first start).</summary>
    public async Task WaitForShopAsync(TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        string? last = null;
        while (clock.Elapsed < limit)
        {
            try
            {
                if ((await api.ProductsAsync(null, null, "pageSize=1", ct)).Total > 0)
                    return;
                last = "the catalog is empty";
            }
            catch (StepFailedException e)
            {
                last = e.Message;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
        throw new StepFailedException($"the shop did not serve products within {limit.TotalSeconds:0} s (last: {last})");
    }

    /// <summary>Picks <paramref name="count"/> distinct products under <see cref="MaxProductPrice"/> and sets each one's stock.</summary>
    public async Task<IReadOnlyList<Product>> SeedProductsAsync(string adminEmail, string adminPassword, int count, int stock, CancellationToken ct)
    {
        var admin = await api.LoginAsync(adminEmail, adminPassword, ct);
        var page = await api.ProductsAsync(null, admin, $"maxPrice={MaxProductPrice}&sort=price&pageSize=100", ct);
        var products = page.Items.Where(p => p.Price > 0 && p.Price <= MaxProductPrice).DistinctBy(p => p.Sku).Take(count).ToList();
        if (products.Count < count)
            throw new StepFailedException($"the catalog has {products.Count} products priced up to {MaxProductPrice}; {count} needed (--products)");
        foreach (var product in products)
            await api.SetStockAsync(admin, product.Sku, stock, ct);
        log.WriteLine($"seeded {products.Count} products (price ≤ {MaxProductPrice}) with {stock:N0} units each");
        return products;
    }

    /// <summary>Products priced from this make a large order (at least the fraud rules' large total) two at a time.</summary>
    public const decimal LargeOrderProductPrice = 500m;

    /// <summary>Large-order products seeded when a run has fraudsters (and legitimate large orders besides).</summary>
    public const int LargeOrderProducts = 4;

    /// <summary>
    /// The assortment of a run with tastes: up to <paramref name="perCategory"/> products priced up to
    /// <see cref="MaxProductPrice"/> from every category that has at least three (one per price band), and with
    /// <paramref name="large"/> a few products priced from <see cref="LargeOrderProductPrice"/>; each one's stock set. The admin's
    /// token comes back with it, to decide held orders.
    /// </summary>
    public async Task<TasteRun> SeedAssortmentAsync(string adminEmail, string adminPassword, int perCategory, int stock, bool large, CancellationToken ct)
    {
        var admin = await api.LoginAsync(adminEmail, adminPassword, ct);
        var products = new List<Product>();
        foreach (var category in await api.CategoriesAsync(ct))
        {
            var page = await api.ProductsAsync(null, admin, $"category={Uri.EscapeDataString(category.Slug)}&maxPrice={MaxProductPrice}&sort=price&pageSize=100", ct);
            var cheap = page.Items.Where(p => p.Price > 0 && p.Price <= MaxProductPrice).DistinctBy(p => p.Sku).ToList();
            if (cheap.Count >= 3)
                products.AddRange(Spread(cheap, perCategory));
        }
        if (products.Count == 0)
            throw new StepFailedException($"no category has three products priced up to {MaxProductPrice}");
        IReadOnlyList<Product> dear = [];
        if (large)
        {
            var page = await api.ProductsAsync(null, admin, $"minPrice={LargeOrderProductPrice}&sort=price&pageSize={LargeOrderProducts}", ct);
            dear = [.. page.Items.Where(p => p.Price >= LargeOrderProductPrice).DistinctBy(p => p.Sku)];
            if (dear.Count == 0)
                throw new StepFailedException($"the catalog has no product priced from {LargeOrderProductPrice} for large orders");
        }
        foreach (var product in products.Concat(dear))
            await api.SetStockAsync(admin, product.Sku, stock, ct);
        var assortment = new Assortment(products, dear);
        log.WriteLine($"seeded {products.Count} products in {assortment.Categories.Count} categories (price ≤ {MaxProductPrice})"
            + (dear.Count > 0 ? $" and {dear.Count} priced from {LargeOrderProductPrice}" : "") + $" with {stock:N0} units each");
        return new TasteRun(assortment, admin);
    }

    /// <summary>Up to <paramref name="count"/> of the price-sorted <paramref name="sorted"/>, spread evenly over its price range.</summary>
    private static IEnumerable<Product> Spread(IReadOnlyList<Product> sorted, int count) => sorted.Count <= count
        ? sorted
        : Enumerable.Range(0, count).Select(i => sorted[i * sorted.Count / count]);

    /// <summary>The shoppers with hidden tastes drawn from <paramref name="seed"/> (<see cref="TasteSampler"/>).</summary>
    public static IReadOnlyList<Shopper> WithTastes(IReadOnlyList<Shopper> shoppers, Assortment assortment, double fraudShare, int seed)
    {
        var tastes = TasteSampler.Sample(shoppers.Count, assortment.Categories, fraudShare, seed);
        return [.. shoppers.Zip(tastes, (shopper, taste) => shopper with { Taste = taste })];
    }

    /// <summary>Registers and logs in <paramref name="count"/> new customers, a few at a time (password hashing is costly by design).</summary>
    public async Task<IReadOnlyList<Shopper>> RegisterShoppersAsync(int count, CancellationToken ct)
    {
        var runId = Guid.NewGuid().ToString("N")[..8];
        var shoppers = new Shopper[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
            async (i, token) => shoppers[i] = await api.NewShopperAsync(runId, i, token));
        log.WriteLine($"registered {count} shoppers");
        return shoppers;
    }
}
