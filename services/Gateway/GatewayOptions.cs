using System.ComponentModel.DataAnnotations;
using System.Net;
using ShopDapr.ServiceDefaults.Configuration;

namespace ShopDapr.Gateway;

/// <summary>The gateway's settings (section <c>Gateway</c>).</summary>
public sealed class GatewayOptions : IValidatableObject
{
    public const string Section = "Gateway";

    /// <summary>Requests one client (token subject, else IP address) may make per <see cref="RateLimitWindow"/>.</summary>
    [Range(1, 1_000_000)]
    public int RateLimitPermits { get; set; } = 200;

    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Logins one client IP address may attempt per <see cref="LoginRateLimitWindow"/> (on top of the general limit).</summary>
    [Range(1, 1_000_000)]
    public int LoginRateLimitPermits { get; set; } = 20;

    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan LoginRateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Registrations one client IP address may attempt per <see cref="RegisterRateLimitWindow"/>.</summary>
    [Range(1, 1_000_000)]
    public int RegisterRateLimitPermits { get; set; } = 10;

    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan RegisterRateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Proxies (IP addresses) whose <c>X-Forwarded-For</c> names the client, e.g. the ingress. None by default: the header
    /// is then ignored, so a client cannot pick its own address (and rate-limit budget) by sending it.
    /// </summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks (CIDR, e.g. <c>10.0.0.0/8</c>) whose hosts are trusted proxies, like <see cref="KnownProxies"/>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary><c>Retry-After</c> of the gateway's 503 when no app answered (sidecar failed, app unreachable or timed out).</summary>
    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan UnavailableRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Apps whose OpenAPI document appears in <c>/docs</c>: every app with a public API.</summary>
    [MinLength(1)]
    public string[] DocumentedApps { get; set; } = ["identity", "catalog", "cart", "ordering", "inventory", "payment", "shipping", "keys"];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (proxy, i) in KnownProxies.Select((p, i) => (p, i)))
            if (!IPAddress.TryParse(proxy, out _))
                yield return new ValidationResult($"'{proxy}' is not an IP address.", [$"{nameof(KnownProxies)}:{i}"]);
        foreach (var (network, i) in KnownNetworks.Select((n, i) => (n, i)))
            if (!IPNetwork.TryParse(network, out _))
                yield return new ValidationResult($"'{network}' is not a network in CIDR notation (e.g. 10.0.0.0/8).", [$"{nameof(KnownNetworks)}:{i}"]);
    }
}
