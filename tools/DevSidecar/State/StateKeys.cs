namespace ShopDapr.DevSidecar.State;

/// <summary>
/// daprd's key prefixing: <c>appid||key</c> by default, <c>name||key</c>, none, <c>namespace</c>
/// (<c>{NAMESPACE}.{appid}||key</c>, or the appid form when NAMESPACE is unset), or a literal prefix.
/// </summary>
public static class StateKeys
{
    public const string Separator = "||";

    /// <summary>The key as stored. A key holding <c>||</c> is refused, as daprd does (it would fake another app's prefix).</summary>
    public static string Prefix(IStateStore store, string storeName, string appId, string key)
    {
        if (key.Contains(Separator, StringComparison.Ordinal))
            throw new StateKeyException(key);
        var mode = (store as IStateStoreInfo)?.KeyPrefix ?? "appid";
        return mode.ToLowerInvariant() switch
        {
            "appid" => string.IsNullOrEmpty(appId) ? key : appId + Separator + key,
            "name" => storeName + Separator + key,
            "none" => key,
            "namespace" when string.IsNullOrEmpty(appId) => key,
            "namespace" => Environment.GetEnvironmentVariable("NAMESPACE") is { Length: > 0 } ns
                ? $"{ns}.{appId}{Separator}{key}"
                : appId + Separator + key,
            _ => mode + Separator + key,
        };
    }

    /// <summary>The key the app knows: what follows the last <c>||</c>.</summary>
    public static string Original(string storedKey)
    {
        var i = storedKey.LastIndexOf(Separator, StringComparison.Ordinal);
        return i < 0 ? storedKey : storedKey[(i + Separator.Length)..];
    }
}

/// <summary>daprd answers gRPC InvalidArgument / HTTP 400 ERR_MALFORMED_REQUEST.</summary>
public sealed class StateKeyException(string key) : Exception($"input key/keyPrefix '{key}' can't contain '{StateKeys.Separator}'")
{
    public string Key { get; } = key;
}
