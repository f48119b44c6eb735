using ShopDapr.Analytics.Domain;

namespace ShopDapr.Analytics.Tests;

/// <summary>Nothing an event rewrites grows with history: each structure has a bound it keeps.</summary>
public sealed class BoundsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_profile_keeps_its_latest_views_and_purchases_and_its_strongest_categories()
    {
        var profile = CustomerProfile.Empty("c");
        for (var i = 0; i < 500; i++)
        {
            profile = profile.Apply(new Signal(SignalKind.View, "c", Guid.NewGuid(), $"cat-{i}", Now.AddSeconds(i)));
            profile = profile.Apply(new Signal(SignalKind.Purchase, "c", Guid.NewGuid(), "tools", Now.AddSeconds(i)));
        }
        Assert.Equal(CustomerProfile.MaxViews, profile.RecentViews.Count);
        Assert.Equal(CustomerProfile.MaxPurchases, profile.Purchases.Count);
        Assert.Equal(CustomerProfile.MaxCategories, profile.CategoryAffinity.Count);
        Assert.Equal("tools", profile.CategoryAffinity.MaxBy(p => p.Value).Key);
        Assert.Equal(Now.AddSeconds(499), profile.RecentViews[0].At);
    }

    [Fact]
    public void A_trend_bucket_and_a_co_occurrence_keep_their_strongest_entries()
    {
        var hot = Guid.NewGuid();
        var bucket = TrendBucket.Empty.Add(hot, 100);
        var co = CoOccurrence.Empty.Add([hot, hot]);
        for (var i = 0; i < 2000; i++)
        {
            bucket = bucket.Add(Guid.NewGuid(), 1);
            co = co.Add([Guid.NewGuid()]);
        }
        Assert.Equal(TrendBucket.MaxProducts, bucket.Scores.Count);
        Assert.Equal(100, bucket.Scores[hot]);
        Assert.Equal(CoOccurrence.MaxPartners, co.With.Count);
        Assert.Equal(2, co.With[hot]);
    }

    [Fact]
    public void A_window_reads_a_fixed_number_of_buckets_ending_with_the_current_one()
    {
        var keys = TrendWindow.Hour.KeysAt("Tools", Now.AddMinutes(7));
        Assert.Equal(12, keys.Count);
        Assert.Equal("trend-hour-tools-202612071205", keys[0]);
        Assert.Equal("trend-hour-tools-202612071110", keys[^1]);
        Assert.Equal(24, TrendWindow.Day.KeysAt(TrendWindow.AnyCategory, Now).Count);
    }
}
