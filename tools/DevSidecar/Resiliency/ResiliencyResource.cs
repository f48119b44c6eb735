using YamlDotNet.Serialization;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Resiliency;

/// <summary><c>dapr.io/v1alpha1 Resiliency</c>: named policies (timeouts, retries, circuit breakers) and the targets they apply to.</summary>
public sealed class ResiliencyResource : ResourceDocument
{
    public ResiliencySpec Spec { get; set; } = new();

    public override void Normalize()
    {
        base.Normalize();
        Spec ??= new();
        Spec.Policies ??= new();
        Spec.Policies.Timeouts ??= [];
        Spec.Policies.Retries ??= [];
        Spec.Policies.CircuitBreakers ??= [];
        Spec.Targets ??= new();
        Spec.Targets.Apps ??= [];
        Spec.Targets.Actors ??= [];
        Spec.Targets.Components ??= [];
    }
}

public sealed class ResiliencySpec
{
    public PolicySpecs Policies { get; set; } = new();
    public TargetSpecs Targets { get; set; } = new();
}

public sealed class PolicySpecs
{
    public Dictionary<string, string?> Timeouts { get; set; } = [];
    public Dictionary<string, RetrySpec?> Retries { get; set; } = [];
    public Dictionary<string, CircuitBreakerSpec?> CircuitBreakers { get; set; } = [];
}

/// <summary>Numbers are read as text so a bad value is reported with its field, not as a YAML position.</summary>
public sealed class RetrySpec
{
    public string? Policy { get; set; }
    public string? Duration { get; set; }
    public string? MaxInterval { get; set; }
    public string? MaxRetries { get; set; }
    public RetryMatchingSpec? Matching { get; set; }
}

public sealed class RetryMatchingSpec
{
    public string? HttpStatusCodes { get; set; }

    [YamlMember(Alias = "gRPCStatusCodes")]
    public string? GrpcStatusCodes { get; set; }
}

public sealed class CircuitBreakerSpec
{
    public string? MaxRequests { get; set; }
    public string? Interval { get; set; }
    public string? Timeout { get; set; }
    public string? Trip { get; set; }
}

public sealed class TargetSpecs
{
    public Dictionary<string, TargetSpec?> Apps { get; set; } = [];
    public Dictionary<string, TargetSpec?> Actors { get; set; } = [];
    public Dictionary<string, ComponentTargetSpec?> Components { get; set; } = [];
}

/// <summary>The policy names of one target; <c>circuitBreakerScope</c> only for actors.</summary>
public sealed class TargetSpec
{
    public string? Timeout { get; set; }
    public string? Retry { get; set; }
    public string? CircuitBreaker { get; set; }
    public string? CircuitBreakerScope { get; set; }
    public string? CircuitBreakerCacheSize { get; set; }
}

public sealed class ComponentTargetSpec
{
    public TargetSpec? Outbound { get; set; }
    public TargetSpec? Inbound { get; set; }
}
