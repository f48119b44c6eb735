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

    /// <summary>Who signs access tokens: the <c>keys</c> app (the default), or a PEM in the secret store (<see cref="SigningKeySecret"/>).</summary>
    public TokenSigning TokenSigning { get; set; } = TokenSigning.Keys;

    /// <summary>The key of the <c>keys</c> app that signs access tokens (type <c>ecdsa-p256</c>; keys creates it on its first start).</summary>
    [Required]
    public string SigningKeyName { get; set; } = "identity-tokens";

    /// <summary>How long the signing key's public versions are kept before they are asked of keys again (sooner when a token is signed by a new version).</summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan SigningKeysCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>With <see cref="TokenSigning.SecretStore"/>: the secret holding the PEM private key. No such secret ships with the shop.</summary>
    [Required]
    public string SigningKeySecret { get; set; } = "token-signing-key";

    [Required]
    public string AdminEmailSecret { get; set; } = "admin-email";

    [Required]
    public string AdminPasswordSecret { get; set; } = "admin-password";
}

/// <summary>Where access tokens are signed.</summary>
public enum TokenSigning
{
    /// <summary>By the <c>keys</c> app over service invocation; the private key never leaves it.</summary>
    Keys,

    /// <summary>In process, with a PEM private key read once from the secret store (a rotation means a restart and logs everyone out).</summary>
    SecretStore,
}
