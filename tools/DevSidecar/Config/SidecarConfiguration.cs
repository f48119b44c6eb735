namespace ShopDapr.DevSidecar.Config;

/// <summary>
/// The Configuration this sidecar runs with (daprd's --config, or the one Configuration in its resources paths):
/// tracing, access control for calls INTO this app, the enabled preview features and the workflow state retention.
/// </summary>
public sealed class SidecarConfiguration
{
    /// <summary>daprd's namespace in self-hosted mode when NAMESPACE is not set.</summary>
    public const string DefaultNamespace = "default";

    /// <summary>daprd's trust domain when the Configuration names none.</summary>
    public const string DefaultTrustDomain = "public";

    public static readonly SidecarConfiguration Default = new(null, 0, null, []);

    public SidecarConfiguration(string? name, double samplingRate, AccessControlList? accessControl, IReadOnlyList<string> enabledFeatures,
        WorkflowRetentionPolicy? workflowRetention = null)
    {
        WorkflowRetention = workflowRetention ?? WorkflowRetentionPolicy.None;
        Name = name;
        SamplingRate = samplingRate;
        AccessControl = accessControl;
        EnabledFeatures = enabledFeatures;
    }

    /// <summary>metadata.name of the Configuration, null when none was given.</summary>
    public string? Name { get; }

    /// <summary><c>spec.tracing.samplingRate</c>: the chance that a trace this sidecar starts is sampled.</summary>
    public double SamplingRate { get; }

    /// <summary>Null when the Configuration has no access control: every caller is allowed.</summary>
    public AccessControlList? AccessControl { get; }

    public IReadOnlyList<string> EnabledFeatures { get; }

    /// <summary><c>spec.workflow.stateRetentionPolicy</c>: when finished workflow instances are purged.</summary>
    public WorkflowRetentionPolicy WorkflowRetention { get; }

    /// <summary>The trust domain this sidecar's own identity carries when it calls another app.</summary>
    public string TrustDomain => AccessControl?.TrustDomain ?? DefaultTrustDomain;

    public string Namespace => DefaultNamespace;
}
