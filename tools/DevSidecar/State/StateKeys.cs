namespace ShopDapr.DevSidecar.State;

/// <summary>daprd's key prefixing: <c>appid||key</c> by default, <c>name||key</c>, none, or a literal prefix.</summary>
public static class StateKeys
{
    public const string Separator = "||";

    public static string Prefix(IStateStore store, string storeName, string appId, string key)
    {
        var mode = (store as IStateStoreInfo)?.KeyPrefix ?? "appid";
        return mode.ToLowerInvariant() switch
        {
            "appid" => string.IsNullOrEmpty(appId) ? key : appId + Separator + key,
            "name" => storeName + Separator + key,
            "none" => key,
            _ => mode + Separator + key,
        };
    }
}
