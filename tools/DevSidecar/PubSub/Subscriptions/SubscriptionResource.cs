using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.PubSub.Subscriptions;

/// <summary>
/// <c>kind: Subscription</c> in both shapes daprd reads: <c>dapr.io/v1alpha1</c> (<c>spec.route</c>) and
/// <c>dapr.io/v2alpha1</c> (<c>spec.routes.rules</c> and <c>spec.routes.default</c>).
/// </summary>
public sealed class SubscriptionResource : ResourceDocument
{
    public const string V1Alpha1 = "dapr.io/v1alpha1";
    public const string V2Alpha1 = "dapr.io/v2alpha1";

    public SubscriptionSpec Spec { get; set; } = new();

    public override void Normalize()
    {
        base.Normalize();
        Spec ??= new();
        Spec.Metadata ??= [];
        Spec.Routes ??= new();
        Spec.Routes.Rules ??= [];
    }
}

public sealed class SubscriptionSpec
{
    public string? Pubsubname { get; set; }
    public string? Topic { get; set; }
    public string? Route { get; set; }
    public SubscriptionRoutes Routes { get; set; } = new();
    public string? DeadLetterTopic { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = [];
    public SubscriptionBulk? BulkSubscribe { get; set; }
}

public sealed class SubscriptionRoutes
{
    public List<SubscriptionRule> Rules { get; set; } = [];
    public string? Default { get; set; }
}

public sealed class SubscriptionRule
{
    public string? Match { get; set; }
    public string? Path { get; set; }
}

public sealed class SubscriptionBulk
{
    public bool Enabled { get; set; }
    public int MaxMessagesCount { get; set; }
    public int MaxAwaitDurationMs { get; set; }
}
