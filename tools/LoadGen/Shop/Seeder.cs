using System.Diagnostics;

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
