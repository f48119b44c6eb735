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

    /// <summary>The state store that holds the data-protection key ring (one entry, shared by every replica).</summary>
    [Required]
    public string RingStore { get; set; } = ShopNames.Components.StateStore;

    /// <summary>The key ring's entry (state key) in <see cref="RingStore"/>.</summary>
    [Required]
    public string RingEntry { get; set; } = "data-protection-keys";

    /// <summary>The Dapr cryptography component whose key protects the ring at rest.</summary>
    [Required]
    public string RingCrypto { get; set; } = ShopNames.Components.WebCrypto;

    /// <summary>The name, in <see cref="RingCrypto"/>, of the key that encrypts the ring (for <c>crypto.dapr.localstorage</c>, its file name).</summary>
    [Required]
    public string RingCryptoName { get; set; } = "web-data-protection.pem";

    /// <summary>How the sidecar wraps each element's file key: RSA-OAEP-256 for an RSA key, AES key wrap for a symmetric one.</summary>
    public KeyWrapAlgorithm RingCryptoWrap { get; set; } = KeyWrapAlgorithm.Rsa;
}
