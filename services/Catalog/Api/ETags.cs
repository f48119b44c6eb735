using Microsoft.Extensions.Primitives;

namespace ShopDapr.Catalog.Api;

/// <summary>State-store ETags on the wire: quoted in the <c>ETag</c> header, read back from <c>If-Match</c>.</summary>
internal static class ETags
{
    public static void Write(HttpResponse response, string etag) => response.Headers.ETag = $"\"{etag}\"";

    /// <summary>The ETag an If-Match header names, without quotes or a weak prefix; false when there is none.</summary>
    public static bool TryReadIfMatch(HttpRequest request, out string etag)
    {
        etag = "";
        StringValues header = request.Headers.IfMatch;
        var value = header.ToString().Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
            value = value[2..];
        value = value.Trim('"');
        if (value.Length == 0)
            return false;
        etag = value;
        return true;
    }
}
