using System.Globalization;
using System.Text.RegularExpressions;

namespace ShopDapr.DevSidecar.Components;

/// <summary>Go's time.ParseDuration format (<c>1h2m3.5s</c>, <c>100ms</c>, <c>250us</c>), which Dapr uses throughout its YAML.</summary>
public static partial class GoDuration
{
    [GeneratedRegex(@"^([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var s = text.Trim();
        var negative = s.StartsWith('-');
        if (negative || s.StartsWith('+'))
            s = s[1..];
        if (s == "0")
            return true;
        double ticks = 0;
        while (s.Length > 0)
        {
            var m = Part().Match(s);
            if (!m.Success)
                return false;
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            ticks += m.Groups[2].Value switch
            {
                "ns" => n / 100,
                "us" or "µs" => n * 10,
                "ms" => n * TimeSpan.TicksPerMillisecond,
                "s" => n * TimeSpan.TicksPerSecond,
                "m" => n * TimeSpan.TicksPerMinute,
                _ => n * TimeSpan.TicksPerHour,
            };
            s = s[m.Length..];
        }
        value = TimeSpan.FromTicks((long)(negative ? -ticks : ticks));
        return true;
    }

    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
            return "0s";
        var sb = new System.Text.StringBuilder();
        if (value < TimeSpan.Zero)
        {
            sb.Append('-');
            value = value.Negate();
        }
        if (value.TotalHours >= 1)
            sb.Append((long)value.TotalHours).Append('h');
        if (value.TotalMinutes >= 1)
            sb.Append(value.Minutes).Append('m');
        var seconds = value.Seconds + value.Milliseconds / 1000.0;
        sb.Append(seconds.ToString("0.###", CultureInfo.InvariantCulture)).Append('s');
        return sb.ToString();
    }
}
