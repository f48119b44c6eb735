using System.Text.Json.Nodes;
using ShopDapr.Gateway.Routing;

namespace ShopDapr.Gateway.Docs;

/// <summary>
/// Cuts an app's OpenAPI document down to what a client can call through the gateway: the paths under an
/// <c>/api/{prefix}</c> that <see cref="PublicRoutes"/> sends to that app. An app also documents routes that only its
/// sidecar reaches (<c>/internal/*</c> for other apps, <c>/events/*</c> for pub/sub deliveries, <c>/dapr/*</c>); the
/// gateway never serves those, so the public reference must not list them.
/// </summary>
public static class PublicDocument
{
    public static void KeepPublicPaths(JsonObject document, string app)
    {
        if (document["paths"] is not JsonObject paths)
            return;
        foreach (var path in paths.Select(p => p.Key).Where(p => !IsPublic(p, app)).ToList())
            paths.Remove(path);
        document.Remove("servers"); // the app's own server URL is not reachable from outside: "try it" goes through the gateway
    }

    /// <summary>True when the gateway routes <paramref name="path"/> to <paramref name="app"/>.</summary>
    public static bool IsPublic(string path, string app)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length >= 2
               && segments[0] == "api"
               && PublicRoutes.AppByPrefix.TryGetValue(segments[1], out var owner)
               && owner == app;
    }
}
