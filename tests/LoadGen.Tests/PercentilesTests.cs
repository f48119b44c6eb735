using ShopDapr.LoadGen.Stats;

namespace ShopDapr.LoadGen.Tests;

public sealed class PercentilesTests
{
    private static readonly double[] OneToHundred = [.. Enumerable.Range(1, 100).Select(i => (double)i)];

    [Theory]
    [InlineData(50, 50)]
    [InlineData(95, 95)]
    [InlineData(99, 99)]
    [InlineData(100, 100)]
    [InlineData(0.5, 1)]
    public void Nearest_rank_of_one_to_hundred_is_the_percent_itself(double percent, double expected) =>
        Assert.Equal(expected, Percentiles.Of(OneToHundred, percent));

    [Fact]
    public void Nearest_rank_rounds_the_rank_up()
    {
        double[] samples = [10, 20, 30, 40];
        Assert.Equal(20, Percentiles.Of(samples, 50));   // rank 2
        Assert.Equal(40, Percentiles.Of(samples, 95));   // rank ceil(3.8) = 4
        Assert.Equal(30, Percentiles.Of(samples, 51));   // rank ceil(2.04) = 3
    }

    [Fact]
    public void One_sample_is_every_percentile()
    {
        Assert.Equal(7, Percentiles.Of([7.0], 50));
        Assert.Equal(7, Percentiles.Of([7.0], 99));
    }

    [Fact]
    public void No_samples_have_no_percentile() => Assert.Null(Percentiles.Of([], 95));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100.1)]
    public void A_percent_outside_0_to_100_is_refused(double percent) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Of(OneToHundred, percent));

    [Fact]
    public void Rate_is_events_per_second_of_the_window()
    {
        Assert.Equal(25, Percentiles.Rate(250, TimeSpan.FromSeconds(10)));
        Assert.Equal(0.5, Percentiles.Rate(1, TimeSpan.FromSeconds(2)));
        Assert.Equal(0, Percentiles.Rate(10, TimeSpan.Zero));
    }
}
