namespace ShopDapr.DevSidecar.Hosting;

/// <summary>
/// daprd routes on a cleaned path (dapr <c>pkg/api/http/middlewares.go</c>: CleanPathMiddleware runs Go's
/// <c>path.Clean</c> over the request path, StripSlashesMiddleware drops a trailing slash): <c>//v1.0/actors/…</c>, which
/// the .NET actor SDK sends with its default endpoint, and <c>/v1.0/state/store/</c> reach the same API as the clean path.
/// Kestrel has already removed <c>.</c> and <c>..</c> segments; this collapses runs of slashes and drops a trailing one.
/// Runs before routing, so every API (HTTP only; gRPC paths are never dirty) sees the clean path.
/// </summary>
internal static class CleanPaths
{
    public static void UseCleanPaths(this WebApplication app) => app.Use((context, next) =>
    {
        var path = context.Request.Path.Value;
        if (path is { Length: > 1 } && (path.EndsWith('/') || path.Contains("//", StringComparison.Ordinal)))
            context.Request.Path = new PathString(Clean(path));
        return next(context);
    });

    /// <summary><c>//a///b/</c> → <c>/a/b</c>; <c>/</c> stays <c>/</c>.</summary>
    internal static string Clean(string path)
    {
        var result = new System.Text.StringBuilder(path.Length);
        foreach (var c in path)
        {
            if (c == '/' && result.Length > 0 && result[^1] == '/')
                continue;
            result.Append(c);
        }
        if (result.Length > 1 && result[^1] == '/')
            result.Length--;
        return result.Length == 0 ? "/" : result.ToString();
    }
}
