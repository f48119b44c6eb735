using System.Globalization;
using System.Text.RegularExpressions;
using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>
/// A reminder or timer period as dapr's <c>kit/time.ParseDuration</c> reads it: a Go duration (<c>1h30m</c>), an ISO 8601
/// duration (<c>PT10S</c>, <c>P1D</c>, <c>P1Y2M</c>) or a repetition (<c>R5/PT1S</c>). <see cref="Repeats"/> is -1 for unlimited.
/// </summary>
public readonly record struct ActorPeriod(int Years, int Months, int Days, TimeSpan Time, int Repeats)
{
    public static readonly ActorPeriod None = new(0, 0, 0, TimeSpan.Zero, -1);

    /// <summary>False for an empty period or one of zero length: the reminder or timer fires once.</summary>
    public bool Repeating => Repeats != 0 && (Years != 0 || Months != 0 || Days != 0 || Time != TimeSpan.Zero);

    public DateTimeOffset After(DateTimeOffset t) => t.AddYears(Years).AddMonths(Months).AddDays(Days).Add(Time);
}

/// <summary>Reads the <c>dueTime</c>, <c>period</c> and <c>ttl</c> of actor reminders and timers as daprd does.</summary>
public static partial class ActorSchedule
{
    [GeneratedRegex(@"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Iso();

    [GeneratedRegex(@"^R(\d+)/(.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex Repetition();

    /// <summary>A period; empty means none. Throws <see cref="FormatException"/> with daprd's wording on bad input.</summary>
    /// <summary>
    /// The due time, period and TTL of a reminder or timer request (<paramref name="kind"/>), checked and worded as daprd
    /// does; <paramref name="error"/> makes the API error from the message.
    /// </summary>
    public static (DateTimeOffset First, ActorPeriod Period, DateTimeOffset? Expires) ParseRequest(
        string kind, string key, string? dueTime, string? period, string? ttl, DateTimeOffset now, Func<string, Exception> error)
    {
        DateTimeOffset first;
        ActorPeriod parsed;
        DateTimeOffset? expires = null;
        try
        {
            first = string.IsNullOrEmpty(dueTime) ? now : ParseTime(dueTime, now);
        }
        catch (FormatException e)
        {
            throw error($"error parsing {kind} due time: {e.Message}");
        }
        try
        {
            parsed = ParsePeriod(period);
        }
        catch (FormatException e)
        {
            throw error($"invalid {kind} period: parse error: {e.Message}");
        }
        if (!string.IsNullOrEmpty(ttl))
        {
            try
            {
                expires = ParseTime(ttl, first);
            }
            catch (FormatException e)
            {
                throw error($"error parsing {kind} TTL: {e.Message}");
            }
            if (expires < now || expires < first)
                throw error($"{kind} {key} has already expired: dueTime: {first:O} TTL: {ttl}");
        }
        return (first, parsed, expires);
    }

    public static ActorPeriod ParsePeriod(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return ActorPeriod.None;
        var p = ParseDuration(text);
        if (p.Repeats == 0)
            throw new FormatException("has zero repetitions");
        return p;
    }

    /// <summary>
    /// A point in time: an RFC 3339 timestamp, or a duration after <paramref name="from"/> (a due time, or a TTL counted
    /// from the first due time).
    /// </summary>
    public static DateTimeOffset ParseTime(string text, DateTimeOffset from)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && text.Contains('T', StringComparison.Ordinal) && text.Contains('-', StringComparison.Ordinal))
            return at;
        var d = ParseDuration(text);
        if (d.Repeats != -1)
            throw new FormatException($"repetitions are not allowed: {text}");
        return d.After(from);
    }

    private static ActorPeriod ParseDuration(string text)
    {
        var repeats = -1;
        var body = text;
        var r = Repetition().Match(text);
        if (r.Success)
        {
            repeats = int.Parse(r.Groups[1].Value, CultureInfo.InvariantCulture);
            body = r.Groups[2].Value;
        }
        if (GoDuration.TryParse(body, out var go) && !body.StartsWith('P'))
        {
            if (go < TimeSpan.Zero)
                throw new FormatException($"negative duration: {text}");
            return new ActorPeriod(0, 0, 0, go, repeats);
        }
        var m = Iso().Match(body);
        if (!m.Success || body == "P" || body.EndsWith('T'))
            throw new FormatException($"unsupported duration format \"{text}\"");
        int Int(int g) => m.Groups[g].Success ? int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture) : 0;
        double Dbl(int g) => m.Groups[g].Success ? double.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture) : 0;
        var time = TimeSpan.FromHours(Dbl(5)) + TimeSpan.FromMinutes(Dbl(6)) + TimeSpan.FromSeconds(Dbl(7));
        return new ActorPeriod(Int(1), Int(2), Int(3) * 7 + Int(4), time, repeats);
    }
}
