namespace ShopDapr.DevSidecar.PubSub.Subscriptions;

public enum SubscriptionType { Declarative, Programmatic }

/// <summary>A routing rule: a CEL <paramref name="Match"/> (null for the default route, always true) and the app path.</summary>
public sealed record RoutingRule(string? Match, string Path);

public sealed record BulkSubscribeOptions(bool Enabled, int MaxMessagesCount, int MaxAwaitDurationMs)
{
    public const int DefaultMaxMessagesCount = 100;
    public const int DefaultMaxAwaitDurationMs = 1000;
}

/// <summary>One subscription of the app, as the metadata API lists it.</summary>
public sealed record SubscriptionInfo(
    string PubsubName,
    string Topic,
    IReadOnlyList<RoutingRule> Rules,
    string? DeadLetterTopic,
    IReadOnlyDictionary<string, string> Metadata,
    BulkSubscribeOptions? BulkSubscribe,
    SubscriptionType Type);

/// <summary>The app's subscriptions, read-only, for <c>GET /v1.0/metadata</c>.</summary>
public interface ISubscriptionView
{
    /// <summary>Declarative ones from the start, programmatic ones once the app has answered <c>GET /dapr/subscribe</c>.</summary>
    IReadOnlyList<SubscriptionInfo> Subscriptions { get; }

    /// <summary>Completes once the app has been asked (or there is no app channel).</summary>
    Task Discovered { get; }
}
