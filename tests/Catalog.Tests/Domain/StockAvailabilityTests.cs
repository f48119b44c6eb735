using ShopDapr.Catalog.Data;
using ShopDapr.Catalog.Domain;

namespace ShopDapr.Catalog.Tests.Domain;

public sealed class StockAvailabilityTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_first_level_replaces_nothing_known() =>
        Assert.True(StockAvailability.Replaces(null, new("AUD-1", 3, T0)));

    [Fact]
    public void A_later_level_replaces_an_earlier_one_even_when_it_is_higher() =>
        Assert.True(StockAvailability.Replaces(new("AUD-1", 0, T0), new("AUD-1", 40, T0.AddTicks(1))));

    [Fact]
    public void A_late_or_repeated_level_does_not_replace_what_is_known()
    {
        var known = new StockAvailability("AUD-1", 5, T0);
        Assert.False(StockAvailability.Replaces(known, known));
        Assert.False(StockAvailability.Replaces(known, new("AUD-1", 9, T0.AddSeconds(-1))));
    }

    [Theory]
    [InlineData(" aud-0001 ", "AUD-0001")]
    [InlineData("AUD-0001", "AUD-0001")]
    public void Skus_are_spelled_as_inventory_spells_them(string given, string normalized) =>
        Assert.Equal(normalized, StockAvailability.Normalize(given));

    [Theory]
    [InlineData(null, 1, "no SKU")]
    [InlineData("  ", 1, "no SKU")]
    [InlineData("AUD-1", -1, "below zero")]
    public void An_event_without_a_sku_or_with_a_negative_count_is_unusable(string? sku, int available, string reason) =>
        Assert.Contains(reason, StockAvailability.Problem(sku, available, T0), StringComparison.Ordinal);

    [Fact]
    public void An_event_without_a_time_is_unusable_and_a_complete_one_is_fine()
    {
        Assert.NotNull(StockAvailability.Problem("AUD-1", 1, default));
        Assert.Null(StockAvailability.Problem("AUD-1", 0, T0));
    }

    [Fact]
    public void The_view_keeps_the_newest_level_whatever_order_they_arrive_in()
    {
        var view = new StockView();
        Assert.True(view.Offer(new("aud-1", 7, T0.AddSeconds(2))));
        Assert.False(view.Offer(new("AUD-1", 9, T0.AddSeconds(1))));
        Assert.Equal(7, view.Find(" Aud-1 ")!.Available);
        Assert.True(view.Offer(new("AUD-1", 0, T0.AddSeconds(3))));
        Assert.Equal(0, view.Find("AUD-1")!.Available);
        Assert.Null(view.Find("AUD-2"));
    }

    [Fact]
    public async Task Concurrent_offers_settle_on_the_newest_level()
    {
        var view = new StockView();
        var levels = Enumerable.Range(1, 2_000).Select(i => new StockAvailability("AUD-1", i, T0.AddTicks(i))).Reverse().ToList();
        await Parallel.ForEachAsync(levels, TestContext.Current.CancellationToken, (level, _) =>
        {
            view.Offer(level);
            return ValueTask.CompletedTask;
        });
        Assert.Equal(2_000, view.Find("AUD-1")!.Available);
    }
}
