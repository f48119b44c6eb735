using System.Text.Json;
using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.Secrets;

/// <summary>
/// <c>secretstores.local.file</c>, as components-contrib reads it: a JSON file (<c>secretsFile</c>) read once at start.
/// By default nested objects and arrays flatten into one secret per leaf, named by the path joined with
/// <c>nestedSeparator</c> (":"): <c>{"db":{"password":"x"}}</c> gives <c>db:password</c> → <c>{"db:password": "x"}</c>.
/// With <c>multiValued: true</c> each top-level key is one secret holding its (flattened) object's keys.
/// </summary>
public sealed class LocalFileSecretStore : ISecretStore
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _secrets = new(StringComparer.Ordinal);

    public LocalFileSecretStore(ComponentContext context)
    {
        var configured = context.Required("secretsFile");
        // A relative secretsFile resolves against the sidecar's working directory, as daprd's (os.Open) does, not
        // against the component file's folder; `dapr run -f` starts daprd in the app's appDirPath.
        var file = context.FullPath(configured);
        var separator = context.Optional("nestedSeparator") ?? ":";
        var multiValued = context.Bool("multiValued", false);
        if (!File.Exists(file))
            throw context.Invalid("secretsFile", $"file '{configured}' does not exist (resolved to {file}; relative paths resolve against the sidecar's working directory, {context.WorkingDirectory})");

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(file));
        }
        catch (JsonException e)
        {
            throw context.Invalid("secretsFile", $"'{file}' is not valid JSON: {e.Message}");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw context.Invalid("secretsFile", $"'{file}' must hold a JSON object");
            foreach (var top in doc.RootElement.EnumerateObject())
            {
                if (!multiValued)
                {
                    var flat = new Dictionary<string, string>(StringComparer.Ordinal);
                    Flatten(top.Value, top.Name, separator, flat);
                    foreach (var (name, value) in flat)
                        _secrets.TryAdd(name, new Dictionary<string, string> { [name] = value });
                }
                else if (top.Value.ValueKind == JsonValueKind.String)
                {
                    _secrets[top.Name] = new Dictionary<string, string> { [top.Name] = top.Value.GetString()! };
                }
                else if (top.Value.ValueKind == JsonValueKind.Object)
                {
                    var keys = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var p in top.Value.EnumerateObject())
                        Flatten(p.Value, p.Name, separator, keys);
                    _secrets[top.Name] = keys;
                }
            }
        }
    }

    public Task<IReadOnlyDictionary<string, string>?> GetAsync(string name, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        Task.FromResult(_secrets.GetValueOrDefault(name));

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetAllAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>>(_secrets);

    private static void Flatten(JsonElement element, string path, string separator, Dictionary<string, string> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                    Flatten(p.Value, path + separator + p.Name, separator, into);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                    Flatten(item, path + separator + i++, separator, into);
                break;
            case JsonValueKind.String:
                into.TryAdd(path, element.GetString()!);
                break;
            case JsonValueKind.Null:
                into.TryAdd(path, "");
                break;
            default:
                into.TryAdd(path, element.GetRawText()); // numbers and booleans as written
                break;
        }
    }
}
