using System.Diagnostics;
using ShopDapr.Contracts.Keys;
using ShopDapr.Keys.Domain;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Keys.Api;

/// <summary>Domain → wire, and who is calling.</summary>
internal static class KeyViews
{
    public static KeyView View(ManagedKey key) => new(
        key.Name, key.Type.Name(), key.State.ToString(), key.LatestVersion, key.MinDecryptionVersion, RotationPeriods.Format(key.RotationPeriod),
        key.CreatedAt, key.DeletionDate, [.. key.AllVersions.Select(v => new KeyVersionView(v.Version, v.CreatedAt, key.VersionState(v), v.ActivatedAt))],
        key.Next?.Version);

    public static JsonWebKeyView View(PublicJwk k) => new(k.Kty, k.Kid, k.Alg, k.Use, k.Crv, k.X, k.Y, k.N, k.E);

    public static AuditEntryView View(AuditEntry e) =>
        new(e.Sequence, e.Time, e.Caller, e.Operation, e.Key, e.Version, e.Outcome, e.RequestId, e.DataHmac, e.PreviousHash, e.Hash);

    /// <summary>
    /// A signed-in user (<c>user:{sub}</c>: admins through the gateway), else the calling app as its sidecar names it
    /// (<c>app:{id}</c>; only calls with the app API token get this far, so the header is the sidecar's). The request id
    /// is the trace id, which the gateway's and every sidecar's logs carry too.
    /// </summary>
    public static KeyCaller CallerOf(HttpContext http)
    {
        var user = http.User.FindFirst(ShopNames.ClaimTypes.Subject)?.Value;
        var app = http.Request.Headers[ShopNames.Headers.DaprCallerAppId].FirstOrDefault();
        var caller = user is not null ? $"user:{user}" : !string.IsNullOrEmpty(app) ? $"app:{app}" : "unknown";
        return new KeyCaller(caller, Activity.Current?.TraceId.ToHexString() ?? http.TraceIdentifier);
    }
}
