using System.ComponentModel.DataAnnotations;
using ShopDapr.ServiceDefaults.Configuration;

namespace ShopDapr.Identity;

/// <summary>Identity's settings (section <c>Identity</c>); secrets are names in the secret store, never values.</summary>
public sealed class IdentityOptions
{
    public const string Section = "Identity";

    [TimeSpanRange("00:01:00", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Wrong passwords in a row before the account is locked.</summary>
    [Range(1, 100)]
    public int MaxFailedLogins { get; set; } = 5;

    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);

    [Required]
    public string SigningKeySecret { get; set; } = "token-signing-key";

    [Required]
    public string AdminEmailSecret { get; set; } = "admin-email";

    [Required]
    public string AdminPasswordSecret { get; set; } = "admin-password";
}
