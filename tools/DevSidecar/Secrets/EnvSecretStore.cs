using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.Secrets;

/// <summary>
/// <c>secretstores.local.env</c>: environment variables (after an optional <c>prefix</c>) as single-key secrets.
/// As in components-contrib, <c>APP_API_TOKEN</c> and <c>DAPR_*</c> are never handed out, and a missing variable reads as "".
/// </summary>
public sealed class EnvSecretStore(ComponentContext context) : ISecretStore
{
    private readonly string _prefix = context.Optional("prefix") ?? "";

    public Task<IReadOnlyDictionary<string, string>?> GetAsync(string name, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var variable = _prefix + name;
        var value = Allowed(variable) ? Environment.GetEnvironmentVariable(variable) ?? "" : "";
        return Task.FromResult<IReadOnlyDictionary<string, string>?>(new Dictionary<string, string> { [name] = value });
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetAllAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var all = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            var key = (string)e.Key;
            if (!Allowed(key) || key.Length <= _prefix.Length && _prefix.Length > 0 || !key.StartsWith(_prefix, StringComparison.Ordinal))
                continue;
            var name = key[_prefix.Length..];
            all[name] = new Dictionary<string, string> { [name] = (string?)e.Value ?? "" };
        }
        return Task.FromResult<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>>(all);
    }

    private static bool Allowed(string variable) =>
        !string.Equals(variable, "APP_API_TOKEN", StringComparison.OrdinalIgnoreCase)
        && !variable.StartsWith("DAPR_", StringComparison.OrdinalIgnoreCase);
}
