using System.Globalization;

namespace ShopDapr.ServiceDefaults.Problems;

/// <summary>A wait as a client is told it: the <c>Retry-After</c> header's whole seconds, at least one, and in words.</summary>
public static class RetryAfter
{
    public static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    /// <summary>The header's value (delay-seconds, RFC 9110).</summary>
    public static string Header(TimeSpan wait) => Seconds(wait).ToString(CultureInfo.InvariantCulture);

    /// <summary>"1 second", "30 seconds": for a problem's detail.</summary>
    public static string Words(TimeSpan wait) => Seconds(wait) is 1 ? "1 second" : $"{Seconds(wait).ToString(CultureInfo.InvariantCulture)} seconds";
}
