using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Config;

/// <summary><c>dapr.io/v1alpha1 Configuration</c>: what the dev sidecar reads of it (tracing, access control, features,
/// workflow state retention).</summary>
public sealed class ConfigurationResource : ResourceDocument
{
    public ConfigurationSpec Spec { get; set; } = new();

    public override void Normalize()
    {
        base.Normalize();
        Spec ??= new();
        Spec.Features ??= [];
        if (Spec.AccessControl is { } acl)
        {
            acl.Policies ??= [];
            foreach (var policy in acl.Policies.Where(p => p is not null))
                policy.Operations ??= [];
        }
    }
}

public sealed class ConfigurationSpec
{
    public TracingSpec? Tracing { get; set; }
    public AccessControlSpec? AccessControl { get; set; }
    public List<FeatureSpec> Features { get; set; } = [];
    public WorkflowConfigSpec? Workflow { get; set; }

    // Sections daprd knows that the dev sidecar does not act on; read only to say so in the log.
    public object? HttpPipeline { get; set; }
    public object? AppHttpPipeline { get; set; }
    public object? Mtls { get; set; }
    public object? Metric { get; set; }
    public object? Metrics { get; set; }
    public object? Secrets { get; set; }
    public object? NameResolution { get; set; }
    public object? Api { get; set; }
    public object? Components { get; set; }
    public object? Logging { get; set; }
    public object? Wasm { get; set; }

    /// <summary>The names of the sections present that the dev sidecar ignores.</summary>
    public IEnumerable<string> IgnoredSections()
    {
        (string Name, object? Value)[] sections =
        [
            ("httpPipeline", HttpPipeline), ("appHttpPipeline", AppHttpPipeline), ("mtls", Mtls), ("metric", Metric),
            ("metrics", Metrics), ("secrets", Secrets), ("nameResolution", NameResolution), ("api", Api),
            ("components", Components), ("logging", Logging), ("wasm", Wasm),
        ];
        return sections.Where(s => s.Value is not null).Select(s => s.Name);
    }
}

public sealed class TracingSpec
{
    public string? SamplingRate { get; set; }
    public bool Stdout { get; set; }
    public object? Zipkin { get; set; }
    public object? Otel { get; set; }
}

/// <summary><c>spec.workflow</c>: of it the dev sidecar acts on the retention policy; the concurrency limits are not read.</summary>
public sealed class WorkflowConfigSpec
{
    public RetentionPolicySpec? StateRetentionPolicy { get; set; }
}

/// <summary>Go durations (<c>72h</c>, <c>30m</c>, <c>0s</c>) as written; checked by <see cref="ConfigurationLoader"/>.</summary>
public sealed class RetentionPolicySpec
{
    public string? AnyTerminal { get; set; }
    public string? Completed { get; set; }
    public string? Failed { get; set; }
    public string? Terminated { get; set; }
}

public sealed class FeatureSpec
{
    public string? Name { get; set; }
    public bool Enabled { get; set; }
}

public sealed class AccessControlSpec
{
    public string? DefaultAction { get; set; }
    public string? TrustDomain { get; set; }
    public List<AppPolicySpec> Policies { get; set; } = [];
}

public sealed class AppPolicySpec
{
    public string? AppId { get; set; }
    public string? DefaultAction { get; set; }
    public string? TrustDomain { get; set; }
    public string? Namespace { get; set; }
    public List<AppOperationSpec> Operations { get; set; } = [];
}

public sealed class AppOperationSpec
{
    public string? Name { get; set; }
    public List<string>? HttpVerb { get; set; }
    public string? Action { get; set; }
}
