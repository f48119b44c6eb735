using System.Collections.Concurrent;

namespace ShopDapr.DevSidecar.MetadataApi;

/// <summary>The app's own key/value pairs set with PUT /v1.0/metadata/{key} or gRPC SetMetadata, reported under <c>extended</c>.</summary>
public sealed class ExtendedMetadata
{
    private readonly ConcurrentDictionary<string, string> _values = new(StringComparer.Ordinal);

    public void Set(string key, string value) => _values[key] = value;

    public IReadOnlyDictionary<string, string> Snapshot() => new Dictionary<string, string>(_values, StringComparer.Ordinal);
}
