using k8s;
using k8s.Models;

namespace ShopDapr.Solution.Tests.Deploy;

// Dapr's CRDs as typed objects, with the fields the manifest checks read (KubernetesYaml ignores the rest).

public abstract class DaprResource : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public V1ObjectMeta Metadata { get; set; } = new();
    public List<string>? Scopes { get; set; }
}

public sealed class DaprComponent : DaprResource
{
    public ComponentSpec Spec { get; set; } = new();
    public ComponentAuth? Auth { get; set; }
}

public sealed class ComponentSpec
{
    public string Type { get; set; } = "";
    public string Version { get; set; } = "";
    public List<ComponentMetadata> Metadata { get; set; } = [];
}

public sealed class ComponentMetadata
{
    public string Name { get; set; } = "";
    public string? Value { get; set; }
    public SecretKeyRef? SecretKeyRef { get; set; }
}

public sealed class SecretKeyRef
{
    public string Name { get; set; } = "";
    public string Key { get; set; } = "";
}

public sealed class ComponentAuth
{
    public string SecretStore { get; set; } = "";
}

public sealed class DaprConfiguration : DaprResource
{
    public ConfigurationSpec Spec { get; set; } = new();
}

public sealed class ConfigurationSpec
{
    public AccessControl? AccessControl { get; set; }
    public TracingSpec? Tracing { get; set; }
}

public sealed class TracingSpec
{
    public string? SamplingRate { get; set; }
    public OtelSpec? Otel { get; set; }
}

public sealed class OtelSpec
{
    public string EndpointAddress { get; set; } = "";
    public bool IsSecure { get; set; }
    public string Protocol { get; set; } = "";
}

public sealed class AccessControl
{
    public string DefaultAction { get; set; } = "";
    public List<AccessPolicy> Policies { get; set; } = [];
}

public sealed class AccessPolicy
{
    public string AppId { get; set; } = "";
    public string? Namespace { get; set; }
    public string DefaultAction { get; set; } = "";
}

public sealed class DaprResiliency : DaprResource
{
    public Dictionary<string, object> Spec { get; set; } = [];
}
