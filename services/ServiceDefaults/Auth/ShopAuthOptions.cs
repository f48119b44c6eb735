using System.ComponentModel.DataAnnotations;
using ShopDapr.ServiceDefaults.Configuration;

namespace ShopDapr.ServiceDefaults.Auth;

/// <summary>How every service validates the access tokens that <c>identity</c> issues.</summary>
public sealed class ShopAuthOptions
{
    public const string Section = "Auth";

    [Required]
    public string Issuer { get; set; } = "shopdapr-identity";

    [Required]
    public string Audience { get; set; } = "shopdapr";

    /// <summary>The app that serves the JWKS, reached through the Dapr sidecar.</summary>
    [Required]
    public string JwksAppId { get; set; } = ShopNames.AppIds.Identity;

    [Required]
    public string JwksPath { get; set; } = "/.well-known/jwks.json";

    /// <summary>How long fetched keys are trusted before they are fetched again.</summary>
    [TimeSpanRange("00:00:05", "1.00:00:00")]
    public TimeSpan JwksCacheDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The least time between two fetches caused by an unknown key id (stops a forged-kid flood).</summary>
    [TimeSpanRange("00:00:00", "01:00:00")]
    public TimeSpan JwksMinimumRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    [TimeSpanRange("00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
