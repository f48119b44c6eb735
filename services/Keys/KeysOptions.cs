using System.ComponentModel.DataAnnotations;
using Dapr.Client;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Configuration;

namespace ShopDapr.Keys;

/// <summary>The keys app's settings (section <c>Keys</c>).</summary>
public sealed class KeysOptions
{
    public const string Section = "Keys";

    /// <summary>The Dapr cryptography component that holds the master key.</summary>
    [Required]
    public string CryptoComponent { get; set; } = ShopNames.Components.Crypto;

    /// <summary>The master key's name in <see cref="CryptoComponent"/> (for <c>crypto.dapr.localstorage</c>, its file name).</summary>
    [Required]
    public string MasterKeyName { get; set; } = "keys-master.pem";

    /// <summary>How the sidecar wraps the data key of each wrapped material: RSA-OAEP-256 for an RSA master key, AES key wrap for a symmetric one.</summary>
    public KeyWrapAlgorithm MasterKeyWrap { get; set; } = KeyWrapAlgorithm.Rsa;

    /// <summary>How often keys are checked for a due rotation or a passed deletion date.</summary>
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Unwrapped materials kept in memory (each unwrap is a round trip to the sidecar).</summary>
    [Range(1, 100_000)]
    public int MaterialCacheSize { get; set; } = 1024;

    /// <summary>
    /// Keys the shop needs (the token signing key, the card vault's key), created on the app's start when missing, so a
    /// fresh clone's first run has them and a restart keeps them.
    /// </summary>
    public List<ProvisionedKey> Provision { get; set; } = [];

    /// <summary>Whether <see cref="Provision"/> runs on start (tests of other behaviour turn it off, to start with no keys).</summary>
    public bool ProvisionOnStart { get; set; } = true;

    /// <summary>Most audit entries one <c>GET /api/keys/audit</c> returns.</summary>
    [Range(1, 10_000)]
    public int AuditPageLimit { get; set; } = 1000;
}

/// <summary>A key to create on start: its name, type (<c>ecdsa-p256</c> …) and optional rotation period (<c>30d</c>).</summary>
public sealed class ProvisionedKey
{
    [Required]
    public string Name { get; set; } = "";

    [Required]
    public string Type { get; set; } = "";

    public string? RotationPeriod { get; set; }
}
