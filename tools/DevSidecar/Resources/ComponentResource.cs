namespace ShopDapr.DevSidecar.Resources;

/// <summary>The fields every Dapr resource shares (apiVersion, kind, metadata, scopes).</summary>
public class ResourceDocument
{
    public string? ApiVersion { get; set; }
    public string? Kind { get; set; }
    public ResourceMetadata Metadata { get; set; } = new();
    public List<string> Scopes { get; set; } = [];

    /// <summary>The file the resource came from, for messages.</summary>
    [YamlDotNet.Serialization.YamlIgnore]
    public string SourceFile { get; set; } = "";

    /// <summary>YAML leaves empty sections null; this puts back the empty values the model promises.</summary>
    public virtual void Normalize()
    {
        Metadata ??= new();
        Scopes ??= [];
    }

    /// <summary>Resources without scopes apply to every app; otherwise only to the listed app ids.</summary>
    public bool AppliesTo(string appId) => Scopes.Count == 0 || Scopes.Contains(appId, StringComparer.Ordinal);
}

public sealed class ResourceMetadata
{
    public string? Name { get; set; }
    public string? Namespace { get; set; }
}

/// <summary><c>dapr.io/v1alpha1 Component</c>.</summary>
public sealed class ComponentResource : ResourceDocument
{
    public ComponentSpec Spec { get; set; } = new();
    public ComponentAuth? Auth { get; set; }

    public override void Normalize()
    {
        base.Normalize();
        Spec ??= new();
        Spec.Metadata ??= [];
    }

    public string Name => Metadata.Name!;
    public string Type => Spec.Type!;
}

public sealed class ComponentSpec
{
    public string? Type { get; set; }
    public string? Version { get; set; }
    public bool IgnoreErrors { get; set; }
    public string? InitTimeout { get; set; }
    public List<MetadataItem> Metadata { get; set; } = [];
}

public sealed class MetadataItem
{
    public string? Name { get; set; }
    public string? Value { get; set; }
    public SecretKeyRef? SecretKeyRef { get; set; }
}

public sealed class SecretKeyRef
{
    public string? Name { get; set; }
    public string? Key { get; set; }
}

public sealed class ComponentAuth
{
    public string? SecretStore { get; set; }
}
