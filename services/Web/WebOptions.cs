using System.ComponentModel.DataAnnotations;
using Dapr.Client;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Web;

/// <summary>The web app's settings (section <c>Web</c>).</summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>
    /// Who the data-protection keys belong to: every replica must name the same one, or each reads the shared ring as
    /// someone else's (ASP.NET Core's default is the content root, which differs between machines).
    /// </summary>
    [Required]
    public string ApplicationName { get; set; } = "shopdapr-web";

    /// <summary>The state store that holds the key ring (one entry, shared by every replica).</summary>
    [Required]
    public string KeyRingStore { get; set; } = ShopNames.Components.StateStore;

    /// <summary>The key ring's state key.</summary>
    [Required]
    public string KeyRingKey { get; set; } = "data-protection-keys";

    /// <summary>The Dapr cryptography component whose key protects the ring at rest.</summary>
    [Required]
    public string KeyRingCrypto { get; set; } = ShopNames.Components.WebCrypto;

    /// <summary>The key's name in <see cref="KeyRingCrypto"/> (for <c>crypto.dapr.localstorage</c>, its file name).</summary>
    [Required]
    public string KeyRingKeyName { get; set; } = "web-data-protection.pem";

    /// <summary>How the sidecar wraps each element's file key: RSA-OAEP-256 for an RSA key, AES key wrap for a symmetric one.</summary>
    public KeyWrapAlgorithm KeyRingKeyWrap { get; set; } = KeyWrapAlgorithm.Rsa;
}
