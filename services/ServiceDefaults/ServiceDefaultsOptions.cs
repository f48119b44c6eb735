using System.ComponentModel.DataAnnotations;

namespace ShopDapr.ServiceDefaults;

/// <summary>The few knobs of the shared hosting.</summary>
public sealed class ServiceDefaultsOptions
{
    public const string Section = "ServiceDefaults";

    /// <summary>
    /// A public entry (the gateway) is called by browsers, not by its sidecar, so it does not demand the app API
    /// token. Every other app, when APP_API_TOKEN is set, answers only calls that carry it (health probes excepted).
    /// </summary>
    public bool PublicEntry { get; set; }

    /// <summary>Larger request bodies are refused with 413 before they are read.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;
}
