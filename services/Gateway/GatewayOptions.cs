using System.ComponentModel.DataAnnotations;
using ShopDapr.ServiceDefaults.Configuration;

namespace ShopDapr.Gateway;

/// <summary>The gateway's settings (section <c>Gateway</c>).</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Requests one client (token subject, else IP address) may make per <see cref="RateLimitWindow"/>.</summary>
    [Range(1, 1_000_000)]
    public int RateLimitPermits { get; set; } = 200;

    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>Retry-After</c> of the gateway's 503 when no app answered (sidecar failed, app unreachable or timed out).</summary>
    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan UnavailableRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Apps whose OpenAPI document appears in <c>/docs</c>: every app with a public API.</summary>
    [MinLength(1)]
    public string[] DocumentedApps { get; set; } = ["identity", "catalog", "cart", "ordering", "inventory", "payment", "shipping"];
}
