using System.Globalization;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Components;

/// <summary>A component's resolved metadata (secret references already read) with typed accessors that name the field on error.</summary>
public sealed class ComponentContext(ComponentResource resource, IReadOnlyDictionary<string, string> metadata, IServiceProvider services, string? workingDirectory = null)
{
    public ComponentResource Resource { get; } = resource;

    public string Name => Resource.Name;

    public string Type => Resource.Type;

    /// <summary>Case-insensitive, as daprd reads component metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; } = metadata;

    /// <summary>Process-wide services (logging, time) for components that need them.</summary>
    public IServiceProvider Services { get; } = services;

    /// <summary>The sidecar's working directory (daprd's: the app's appDirPath under <c>dapr run -f</c>).</summary>
    public string WorkingDirectory { get; } = workingDirectory ?? Directory.GetCurrentDirectory();

    /// <summary>A path from the metadata, made absolute against <see cref="WorkingDirectory"/> as daprd's own relative paths are.</summary>
    public string FullPath(string path) => Path.GetFullPath(path, WorkingDirectory);

    public string? Optional(string name) =>
        Metadata.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : null;

    public string Required(string name) =>
        Optional(name) ?? throw Invalid(name, $"is required for a {Type} component ('{Name}')");

    public bool Bool(string name, bool fallback) => Optional(name) switch
    {
        null => fallback,
        var v when bool.TryParse(v, out var b) => b,
        var v => throw Invalid(name, $"'{v}' is not true or false"),
    };

    public int Int(string name, int fallback) => Optional(name) switch
    {
        null => fallback,
        var v when int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
        var v => throw Invalid(name, $"'{v}' is not a whole number"),
    };

    public TimeSpan Duration(string name, TimeSpan fallback) => Optional(name) switch
    {
        null => fallback,
        var v when GoDuration.TryParse(v, out var d) => d,
        var v => throw Invalid(name, $"'{v}' is not a duration such as 5s, 1m30s or 100ms"),
    };

    /// <summary>
    /// Fails on the first metadata field that is not in <paramref name="known"/> (compared case-insensitively, as daprd
    /// decodes metadata), so a misspelt field stops start-up instead of being silently ignored.
    /// </summary>
    public void RejectUnknown(IEnumerable<string> known)
    {
        var names = new HashSet<string>(known, StringComparer.OrdinalIgnoreCase);
        foreach (var field in Metadata.Keys.Order(StringComparer.Ordinal))
        {
            if (!names.Contains(field))
                throw Invalid(field, $"unknown metadata field for a {Type} component ('{Name}'); known fields: {string.Join(", ", names.Order(StringComparer.OrdinalIgnoreCase))}");
        }
    }

    public ResourceException Invalid(string field, string problem) =>
        new(Resource.SourceFile, $"spec.metadata.{field}", problem);
}
