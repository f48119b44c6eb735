namespace ShopDapr.LoadGen.Tastes;

/// <summary>A third of the seeded products by price: the cheapest, the middle, the dearest.</summary>
internal enum PriceBand
{
    Low,
    Mid,
    High,
}

/// <summary>
/// What a simulated shopper likes, hidden from the shop: one or two favourite categories, a price band, the home market
/// it ships to, and whether it is one of the run's fraudsters. Only its behaviour shows any of it.
/// </summary>
internal sealed record ShopperTaste(IReadOnlyList<string> Favourites, PriceBand Band, string HomeCountry, bool Fraudster);

/// <summary>
/// Draws the shoppers' hidden tastes from a seed: the same seed, count, categories and fraud share give the same
/// tastes. Each shopper gets one or two distinct favourite categories (even odds), a price band and a home market
/// uniformly; exactly <c>round(count × fraudShare)</c> shoppers (at least one when the share is above 0) are
/// fraudsters, chosen at random.
/// </summary>
internal static class TasteSampler
{
    /// <summary>The markets legitimate shoppers ship to: the fraud rules' home markets.</summary>
    public static readonly IReadOnlyList<string> HomeMarkets = ["US", "GB", "DE", "FR", "NL"];

    public static IReadOnlyList<ShopperTaste> Sample(int count, IReadOnlyList<string> categories, double fraudShare, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (categories.Count == 0)
            throw new ArgumentException("At least one category is needed.", nameof(categories));
        if (!double.IsFinite(fraudShare) || fraudShare is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(fraudShare), fraudShare, "A share is 0 to 1.");
        var random = new Random(seed);
        var fraudsters = FraudsterCount(count, fraudShare);
        var isFraudster = Enumerable.Range(0, count).Select(i => i < fraudsters).ToArray();
        random.Shuffle(isFraudster);
        return [.. Enumerable.Range(0, count).Select(i => new ShopperTaste(
            Favourites(random, categories), (PriceBand)random.Next(3), HomeMarkets[random.Next(HomeMarkets.Count)], isFraudster[i]))];
    }

    public static int FraudsterCount(int count, double fraudShare) =>
        fraudShare <= 0 || count == 0 ? 0 : Math.Clamp((int)Math.Round(count * fraudShare, MidpointRounding.AwayFromZero), 1, count);

    private static IReadOnlyList<string> Favourites(Random random, IReadOnlyList<string> categories)
    {
        var first = random.Next(categories.Count);
        if (categories.Count == 1 || random.Next(2) == 0)
            return [categories[first]];
        var second = (first + 1 + random.Next(categories.Count - 1)) % categories.Count;
        return [categories[first], categories[second]];
    }
}
