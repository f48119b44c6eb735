using ShopDapr.LoadGen.Shop;
using ShopDapr.LoadGen.Tastes;

namespace ShopDapr.LoadGen.Tests;

public sealed class TastesTests
{
    private static readonly string[] Categories = ["audio", "books", "garden", "pets", "toys"];

    [Fact]
    public void The_same_seed_draws_the_same_tastes_and_another_seed_others()
    {
        var first = TasteSampler.Sample(200, Categories, 0.05, seed: 7);
        var again = TasteSampler.Sample(200, Categories, 0.05, seed: 7);
        var other = TasteSampler.Sample(200, Categories, 0.05, seed: 8);

        Assert.Equal(first.Select(Describe), again.Select(Describe));
        Assert.NotEqual(first.Select(Describe), other.Select(Describe));
    }

    [Fact]
    public void Every_shopper_has_one_or_two_distinct_favourites_a_band_and_a_home_market_each_drawn_evenly()
    {
        var tastes = TasteSampler.Sample(6_000, Categories, 0, seed: 1);

        Assert.All(tastes, t =>
        {
            Assert.InRange(t.Favourites.Count, 1, 2);
            Assert.Equal(t.Favourites.Count, t.Favourites.Distinct().Count());
            Assert.All(t.Favourites, f => Assert.Contains(f, Categories));
            Assert.Contains(t.HomeCountry, TasteSampler.HomeMarkets);
            Assert.False(t.Fraudster);
        });
        Assert.InRange(tastes.Count(t => t.Favourites.Count == 2) / 6_000.0, 0.47, 0.53);
        foreach (var band in Enum.GetValues<PriceBand>())
            Assert.InRange(tastes.Count(t => t.Band == band) / 6_000.0, 0.30, 0.37);
        foreach (var category in Categories)
            Assert.InRange(tastes.Count(t => t.Favourites.Contains(category)) / 6_000.0, 0.27, 0.33); // 1.5 favourites of 5 categories
    }

    [Theory]
    [InlineData(1_000, 0.03, 30)]
    [InlineData(16, 0.03, 1)] // a share above 0 gives at least one fraudster
    [InlineData(16, 0.1, 2)]
    [InlineData(16, 0, 0)]
    public void The_fraud_share_is_held_exactly(int shoppers, double share, int fraudsters) =>
        Assert.Equal(fraudsters, TasteSampler.Sample(shoppers, Categories, share, seed: 3).Count(t => t.Fraudster));

    [Fact]
    public void Picks_are_in_the_shoppers_taste_about_eighty_percent_of_the_time()
    {
        var assortment = Catalog();
        var taste = new ShopperTaste(["audio"], PriceBand.High, "US", Fraudster: false);
        var random = new Random(5);

        var picks = Enumerable.Range(0, 10_000).Select(_ => assortment.Pick(taste, random)).ToList();

        var inTaste = picks.Count(p => assortment.InTaste(taste, p)) / 10_000.0;
        // 80 % in taste, plus the share of the other 20 % that falls in it by chance (3 of the 45 products)
        Assert.InRange(inTaste, 0.8 + 0.2 * 3 / 45 - 0.015, 0.8 + 0.2 * 3 / 45 + 0.015);
        Assert.All(picks.Where(p => assortment.InTaste(taste, p)), p => Assert.True(p.Price >= 22));
    }

    [Fact]
    public void A_shopper_browses_a_favourite_category_about_eighty_percent_of_the_time()
    {
        var assortment = Catalog();
        var taste = new ShopperTaste(["books", "pets"], PriceBand.Low, "GB", Fraudster: false);
        var random = new Random(9);

        var favourite = Enumerable.Range(0, 10_000).Count(_ => taste.Favourites.Contains(assortment.PickCategory(taste, random))) / 10_000.0;

        Assert.InRange(favourite, 0.8 + 0.2 * 2 / 5 - 0.015, 0.8 + 0.2 * 2 / 5 + 0.015);
    }

    [Fact]
    public void A_fraudster_tries_declining_cards_first_then_an_approving_one_each_order_to_another_country()
    {
        var random = new Random(11);
        for (var i = 0; i < 200; i++)
        {
            var orders = FraudPattern.Journey(random);

            Assert.InRange(orders.Count, 2, 3);
            Assert.All(orders.SkipLast(1), o => Assert.Contains(o.Card, FraudPattern.DecliningCards));
            Assert.Contains(orders[^1].Card, FraudPattern.ApprovingCards);
            Assert.Equal(orders.Count, orders.Select(o => o.Card).Distinct().Count());
            Assert.Equal(orders.Count, orders.Select(o => o.Country).Distinct().Count());
        }
    }

    /// <summary>Five categories of nine products priced 10, 12, … 26 (bands: 10–14, 16–20, 22–26).</summary>
    private static Assortment Catalog() => new(
        [.. Categories.SelectMany((c, ci) => Enumerable.Range(0, 9).Select(i =>
            new Product(new Guid(ci + 1, 0, 0, [0, 0, 0, 0, 0, 0, 0, (byte)i]), $"{c}-{i}", $"{c} {i}", 10 + 2 * i, c)))],
        []);

    private static string Describe(ShopperTaste t) => $"{string.Join('+', t.Favourites)}/{t.Band}/{t.HomeCountry}/{t.Fraudster}";
}
