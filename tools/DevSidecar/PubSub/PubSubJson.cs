using System.Text.Json;

namespace ShopDapr.DevSidecar.PubSub;

internal static class PubSubJson
{
    /// <summary>camelCase out, any case in (daprd reads the app's JSON case-insensitively).</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
