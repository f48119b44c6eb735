using Microsoft.Extensions.Primitives;

namespace ShopDapr.Catalog.Api;

/// <summary>State-store ETags on the wire: quoted in the <c>ETag</c> header, read back from <c>If-Match</c>.</summary>
internal static class ETags
{
    public static void Write(HttpResponse response, string etag) => response.Headers.ETag = $"\"{etag}\"";

    /// <summary>
    /// The ETag an If-Match header names, without quotes; false when there is none. If-Match compares strongly (RFC 9110
    /// 13.1.1), so a weak validator (<c>W/"…"</c>) keeps its prefix and matches no stored version: on a store whose ETags
    /// are small counters (Redis: 1, 2, 3 …) <c>W/"1"</c> would otherwise overwrite a product at version 1.
    /// </summary>
    public static bool TryReadIfMatch(HttpRequest request, out string etag)
    {
        etag = "";
        StringValues header = request.Headers.IfMatch;
        var value = header.ToString().Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            etag = value;
            return true;
        }
        value = value.Trim('"');
        if (value.Length == 0)
            return false;
        etag = value;
        return true;
    }
}
