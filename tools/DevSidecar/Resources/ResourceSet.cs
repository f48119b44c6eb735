namespace ShopDapr.DevSidecar.Resources;

/// <summary>Everything the resources paths hold, by kind.</summary>
public sealed class ResourceSet
{
    private readonly List<ResourceDocument> _all = [];

    public IReadOnlyList<ResourceDocument> All => _all;

    public IEnumerable<ComponentResource> Components => _all.OfType<ComponentResource>();

    public IEnumerable<T> OfKind<T>() where T : ResourceDocument => _all.OfType<T>();

    public void Add(ResourceDocument doc) => _all.Add(doc);

    /// <summary>Checks what holds across files: required fields and unique names per kind.</summary>
    public void Validate()
    {
        foreach (var c in Components)
        {
            if (string.IsNullOrWhiteSpace(c.Spec.Type))
                throw new ResourceException(c.SourceFile, "spec.type", $"is required (component '{c.Metadata.Name}')");
            if (string.IsNullOrWhiteSpace(c.Spec.Version))
                throw new ResourceException(c.SourceFile, "spec.version", $"is required (component '{c.Metadata.Name}')");
            for (var i = 0; i < c.Spec.Metadata.Count; i++)
            {
                var item = c.Spec.Metadata[i];
                if (string.IsNullOrWhiteSpace(item.Name))
                    throw new ResourceException(c.SourceFile, $"spec.metadata[{i}].name", "is required");
                if (item.SecretKeyRef is { } r && string.IsNullOrWhiteSpace(r.Name))
                    throw new ResourceException(c.SourceFile, $"spec.metadata[{i}].secretKeyRef.name", "is required");
            }
        }
        foreach (var group in _all.GroupBy(d => (d.Kind, d.Metadata.Name)).Where(g => g.Count() > 1))
        {
            var second = group.Skip(1).First();
            throw new ResourceException(second.SourceFile, "metadata.name",
                $"{group.Key.Kind} '{group.Key.Name}' is defined twice (also in {group.First().SourceFile})");
        }
    }
}
