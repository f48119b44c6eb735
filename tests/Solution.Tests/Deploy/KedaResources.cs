using k8s;
using k8s.Models;

namespace ShopDapr.Solution.Tests.Deploy;

// KEDA's CRDs as typed objects, with the fields the autoscaling checks read.

public sealed class ScaledObject : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public V1ObjectMeta Metadata { get; set; } = new();
    public ScaledObjectSpec Spec { get; set; } = new();
}

public sealed class ScaledObjectSpec
{
    public ScaleTarget ScaleTargetRef { get; set; } = new();
    public int? MinReplicaCount { get; set; }
    public int? MaxReplicaCount { get; set; }
    public List<ScaleTrigger> Triggers { get; set; } = [];
}

public sealed class ScaleTarget
{
    public string Name { get; set; } = "";
    public string? Kind { get; set; }
}

public sealed class ScaleTrigger
{
    public string Type { get; set; } = "";
    public Dictionary<string, string> Metadata { get; set; } = [];
    public NameRef? AuthenticationRef { get; set; }
}

public sealed class NameRef
{
    public string Name { get; set; } = "";
}

public sealed class TriggerAuthentication : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public V1ObjectMeta Metadata { get; set; } = new();
    public TriggerAuthenticationSpec Spec { get; set; } = new();
}

public sealed class TriggerAuthenticationSpec
{
    public List<SecretTarget> SecretTargetRef { get; set; } = [];
}

public sealed class SecretTarget
{
    public string Parameter { get; set; } = "";
    public string Name { get; set; } = "";
    public string Key { get; set; } = "";
}
