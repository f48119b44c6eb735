using ShopDapr.DevSidecar.Bindings;

namespace ShopDapr.DevSidecar.Tests.Bindings;

/// <summary>The schedule forms robfig/cron (and so daprd's cron binding) accepts.</summary>
public sealed class CronScheduleTests
{
    private static readonly DateTime Local = new(2026, 3, 10, 10, 15, 30, DateTimeKind.Local);
    private static readonly DateTimeOffset From = new(Local);

    [Theory]
    [InlineData("@hourly", "2026-03-10T11:00:00")]
    [InlineData("0 30 * * * *", "2026-03-10T10:30:00")]
    [InlineData("*/20 * * * * *", "2026-03-10T10:15:40")]
    [InlineData("*/5 * * * *", "2026-03-10T10:20:00")]
    [InlineData("0 0 6 * * MON-FRI", "2026-03-11T06:00:00")]
    [InlineData("@daily", "2026-03-11T00:00:00")]
    public void Cron_expressions_fire_at_the_next_matching_local_time(string schedule, string expected)
    {
        Assert.True(CronSchedule.TryParse(schedule, out var parsed, out var error), error);

        Assert.Equal(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), parsed.Next(From).LocalDateTime);
    }

    [Theory]
    [InlineData("@every 5s", 5)]
    [InlineData("@every 1m30s", 90)]
    [InlineData("@every 200ms", 1)]
    public void Every_fires_a_fixed_delay_after_the_last_run(string schedule, int seconds)
    {
        Assert.True(CronSchedule.TryParse(schedule, out var parsed, out var error), error);

        Assert.Equal(From.AddSeconds(seconds), parsed.Next(From));
    }
}
