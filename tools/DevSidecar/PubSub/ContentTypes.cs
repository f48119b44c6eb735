namespace ShopDapr.DevSidecar.PubSub;

/// <summary>The content-type tests daprd applies (components-contrib <c>contenttype</c>): exact match, parameters after ';' ignored.</summary>
public static class ContentTypes
{
    public const string CloudEventJson = "application/cloudevents+json";
    public const string Json = "application/json";
    public const string OctetStream = "application/octet-stream";
    public const string TextPlain = "text/plain";

    public static bool IsCloudEvent(string? contentType) => Is(contentType, CloudEventJson);

    public static bool IsJson(string? contentType) => Is(contentType, Json);

    public static bool IsBinary(string? contentType) => Is(contentType, OctetStream);

    public static bool IsString(string? contentType) =>
        contentType is not null && (contentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase) || Is(contentType, "application/xml"));

    private static bool Is(string? contentType, string expected)
    {
        if (string.IsNullOrEmpty(contentType))
            return false;
        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var bare = semicolon >= 0 ? contentType[..semicolon] : contentType;
        return string.Equals(bare, expected, StringComparison.OrdinalIgnoreCase);
    }
}
