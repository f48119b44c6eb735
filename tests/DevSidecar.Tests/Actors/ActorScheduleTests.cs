using System.Text;
using ShopDapr.DevSidecar.Actors;

namespace ShopDapr.DevSidecar.Tests.Actors;

public sealed class ActorScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 31, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("0h0m5s0ms", 0, 0, 0, 5000, -1)] // what the .NET SDK writes
    [InlineData("1h30m", 0, 0, 0, 5_400_000, -1)]
    [InlineData("PT10S", 0, 0, 0, 10_000, -1)]
    [InlineData("P1D", 0, 0, 1, 0, -1)]
    [InlineData("P1Y2M1W", 1, 2, 7, 0, -1)]
    [InlineData("R5/PT1S", 0, 0, 0, 1000, 5)]
    [InlineData("R2/P1DT1H", 0, 0, 1, 3_600_000, 2)]
    public void Periods_read_go_iso_and_repetition_forms(string text, int years, int months, int days, int ms, int repeats)
    {
        Assert.Equal(new ActorPeriod(years, months, days, TimeSpan.FromMilliseconds(ms), repeats), ActorSchedule.ParsePeriod(text));
    }

    [Theory]
    [InlineData("R0/PT1S")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("soon")]
    [InlineData("-5s")]
    public void Bad_periods_are_refused(string text) => Assert.Throws<FormatException>(() => ActorSchedule.ParsePeriod(text));

    [Fact]
    public void Empty_or_zero_periods_fire_once()
    {
        Assert.False(ActorSchedule.ParsePeriod("").Repeating);
        Assert.False(ActorSchedule.ParsePeriod("0h0m0s0ms").Repeating);
        Assert.True(ActorSchedule.ParsePeriod("PT1S").Repeating);
    }

    [Fact]
    public void Times_are_rfc3339_or_a_duration_from_now_with_calendar_months()
    {
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero), ActorSchedule.ParseTime("2026-03-01T08:00:00Z", Now));
        Assert.Equal(Now.AddSeconds(90), ActorSchedule.ParseTime("1m30s", Now));
        Assert.Equal(new DateTimeOffset(2026, 2, 15, 12, 0, 0, TimeSpan.Zero), ActorSchedule.ParseTime("P1M", Now.AddDays(-16)));
        Assert.Throws<FormatException>(() => ActorSchedule.ParseTime("R3/PT1S", Now));
    }

    [Fact]
    public void App_config_reads_sdk_durations_reentrancy_and_per_type_overrides()
    {
        var config = ActorHostConfig.Parse(Encoding.UTF8.GetBytes("""
            {"entities":["Cart","Inventory"],"actorIdleTimeout":"0h2m0s0ms","actorScanInterval":"0h0m10s0ms",
             "drainOngoingCallTimeout":"0h0m3s0ms","drainRebalancedActors":true,"reentrancy":{"enabled":false},
             "entitiesConfig":[{"entities":["Inventory"],"actorIdleTimeout":"0h0m30s0ms","reentrancy":{"enabled":true,"maxStackDepth":8}}]}
            """));

        Assert.Equal(["Cart", "Inventory"], config.Entities);
        Assert.Equal(TimeSpan.FromSeconds(10), config.ScanInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), config.DrainOngoingCallTimeout);
        Assert.Equal(new ActorTypeConfig(TimeSpan.FromMinutes(2), ReentrancyConfig.Disabled), config.For("Cart"));
        Assert.Equal(new ActorTypeConfig(TimeSpan.FromSeconds(30), new ReentrancyConfig(true, 8)), config.For("Inventory"));
        Assert.False(config.Hosts("Order"));
    }

    [Fact]
    public void App_config_without_settings_takes_daprd_defaults()
    {
        var config = ActorHostConfig.Parse("""{"entities":["Cart"],"reentrancy":{"enabled":true}}"""u8);

        Assert.Equal(new ActorTypeConfig(TimeSpan.FromMinutes(60), new ReentrancyConfig(true, 32)), config.For("Cart"));
        Assert.Equal(TimeSpan.FromSeconds(30), config.ScanInterval);
    }

    [Fact]
    public void Adding_a_third_host_to_the_ring_moves_about_a_third_of_the_keys_and_only_to_it()
    {
        var keys = Enumerable.Range(0, 3000).Select(i => $"Cart||{i}").ToList();
        var two = new HashRing<string>([("a", "a"), ("b", "b")]);
        var three = new HashRing<string>([("a", "a"), ("b", "b"), ("c", "c")]);

        var moved = keys.Where(k => two.Locate(k) != three.Locate(k)).ToList();

        Assert.All(moved, k => Assert.Equal("c", three.Locate(k)));
        Assert.InRange(moved.Count, 700, 1300);
        Assert.InRange(keys.Count(k => two.Locate(k) == "a"), 1200, 1800);
    }
}
