using Cronos;
using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.Bindings;

/// <summary>
/// A cron schedule as robfig/cron (which the cron binding uses) reads it: 6 fields with seconds or the classic 5,
/// the descriptors <c>@yearly @annually @monthly @weekly @daily @midnight @hourly</c>, and <c>@every &lt;duration&gt;</c>.
/// </summary>
public abstract class CronSchedule
{
    public abstract DateTimeOffset Next(DateTimeOffset after);

    public static bool TryParse(string text, out CronSchedule schedule, out string error)
    {
        schedule = null!;
        error = "";
        var s = text.Trim();
        if (s.StartsWith("@every ", StringComparison.Ordinal))
        {
            if (!GoDuration.TryParse(s["@every ".Length..], out var every) || every <= TimeSpan.Zero)
            {
                error = $"failed to parse duration {s}";
                return false;
            }
            schedule = new Every(every < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(Math.Floor(every.TotalSeconds)));
            return true;
        }
        try
        {
            var fields = s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            var format = s.StartsWith('@') || fields == 5 ? CronFormat.Standard
                : fields == 6 ? CronFormat.IncludeSeconds
                : throw new CronFormatException($"expected 5 to 6 fields, found {fields}: {s}");
            schedule = new Expression(CronExpression.Parse(s == "@annually" ? "@yearly" : s, format));
            return true;
        }
        catch (CronFormatException e)
        {
            error = e.Message;
            return false;
        }
    }

    private sealed class Every(TimeSpan interval) : CronSchedule
    {
        public override DateTimeOffset Next(DateTimeOffset after) => after + interval;
    }

    private sealed class Expression(CronExpression expression) : CronSchedule
    {
        // robfig/cron runs in the process's local zone unless told otherwise.
        public override DateTimeOffset Next(DateTimeOffset after) =>
            expression.GetNextOccurrence(after, TimeZoneInfo.Local) ?? DateTimeOffset.MaxValue;
    }
}
