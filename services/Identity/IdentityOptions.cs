using System.ComponentModel.DataAnnotations;
using ShopDapr.ServiceDefaults.Configuration;

namespace ShopDapr.Identity;

/// <summary>Identity's settings (section <c>Identity</c>); secrets are names in the secret store, never values.</summary>
public sealed class IdentityOptions
{
    public const string Section = "Identity";

    [TimeSpanRange("00:01:00", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    // Login throttling is per (account, client): one client's wrong passwords never delay the owner elsewhere.

    /// <summary>Wrong passwords in a row from one client for one account before each further try must wait.</summary>
    [Range(1, 100)]
    public int FreeFailedLogins { get; set; } = 3;

    /// <summary>The first wait after <see cref="FreeFailedLogins"/>; it doubles with each further wrong password.</summary>
    [TimeSpanRange("00:00:00.100", "00:10:00")]
    public TimeSpan FailedLoginDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Wrong passwords in a row from one client before that client is locked out of the account.</summary>
    [Range(1, 100)]
    public int MaxFailedLogins { get; set; } = 5;

    /// <summary>The first lock of a client out of an account; it doubles with each wrong password after it.</summary>
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);

    [TimeSpanRange("00:00:01", "30.00:00:00")]
    public TimeSpan MaxLockoutDuration { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a client's wrong passwords for an account are remembered after its last wait ends.</summary>
    [TimeSpanRange("00:01:00", "30.00:00:00")]
    public TimeSpan FailedLoginMemory { get; set; } = TimeSpan.FromDays(1);

    [Required]
    public string SigningKeySecret { get; set; } = "token-signing-key";

    [Required]
    public string AdminEmailSecret { get; set; } = "admin-email";

    [Required]
    public string AdminPasswordSecret { get; set; } = "admin-password";
}
