using System.Globalization;

namespace ShopDapr.Keys.Domain;

/// <summary>A rotation period on the wire: a whole number of hours or days (<c>"12h"</c>, <c>"30d"</c>), 1 hour to 365 days; <c>"0"</c> clears it.</summary>
public static class RotationPeriods
{
    public static readonly TimeSpan Minimum = TimeSpan.FromHours(1);
    public static readonly TimeSpan Maximum = TimeSpan.FromDays(365);

    /// <summary>Null when <paramref name="text"/> is null (unchanged); <see cref="TimeSpan.Zero"/> for "0" (none).</summary>
    public static TimeSpan? Parse(string? text)
    {
        if (text is null)
            return null;
        if (text == "0")
            return TimeSpan.Zero;
        if (text.Length >= 2 && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            TimeSpan? period = text[^1] switch { 'h' => TimeSpan.FromHours(count), 'd' => TimeSpan.FromDays(count), _ => null };
            if (period >= Minimum && period <= Maximum)
                return period;
        }
        throw KeyRuleException.Malformed("rotationPeriod is a whole number of hours or days ('12h', '30d') from 1h to 365d, or '0' for none.");
    }

    public static string? Format(TimeSpan? period) => period switch
    {
        null => null,
        { } p when p.Ticks % TimeSpan.TicksPerDay == 0 => string.Create(CultureInfo.InvariantCulture, $"{(int)p.TotalDays}d"),
        { } p => string.Create(CultureInfo.InvariantCulture, $"{(int)p.TotalHours}h"),
    };
}
