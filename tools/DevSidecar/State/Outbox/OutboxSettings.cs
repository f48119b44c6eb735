using ShopDapr.DevSidecar.Components;
using ShopDapr.DevSidecar.PubSub;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.State.Outbox;

/// <summary>
/// A state store's transactional outbox, from its component metadata as daprd reads it (dapr
/// <c>pkg/runtime/pubsub/outbox.go</c>, AddOrUpdateOutbox): <c>outboxPublishPubsub</c> and <c>outboxPublishTopic</c> turn it
/// on, <c>outboxPubsub</c> (default: the publish pubsub) carries the internal topic, <c>outboxDiscardWhenMissingState</c>
/// drops an internal message whose transaction never committed instead of handing it back to the broker.
/// </summary>
public sealed record OutboxSettings(string Store, string PublishPubsub, string PublishTopic, string OutboxPubsub, bool DiscardWhenMissingState)
{
    public const string PublishPubsubField = "outboxPublishPubsub";
    public const string PublishTopicField = "outboxPublishTopic";
    public const string OutboxPubsubField = "outboxPubsub";
    public const string DiscardField = "outboxDiscardWhenMissingState";

    /// <summary>The operation metadata that marks an upsert as the published form of another upsert of the same key.</summary>
    public const string ProjectionMetadata = "outbox.projection";

    private static readonly string[] Fields = [PublishPubsubField, PublishTopicField, OutboxPubsubField, DiscardField];

    /// <summary>
    /// The internal topic daprd publishes to before the commit: namespace + app id + topic + "outbox" (the namespace is
    /// empty outside Kubernetes, and the dev sidecar has none).
    /// </summary>
    public string InternalTopic(string appId) => $"{appId}{PublishTopic}outbox";

    /// <summary>
    /// The store's outbox, or null when it has none. daprd silently leaves the outbox off when only one of pubsub and
    /// topic is set and fails only at the first transaction when a named pubsub is missing; the dev sidecar stops start-up
    /// instead, naming the file and field, so a half-configured outbox cannot lose events unseen.
    /// </summary>
    public static OutboxSettings? Read(ComponentResource store, ComponentRegistry components)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in store.Spec.Metadata)
        {
            var name = item.Name ?? "";
            var exact = Fields.FirstOrDefault(f => f == name);
            if (exact is null && Fields.FirstOrDefault(f => f.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } meant)
                throw Invalid(store, name, $"daprd reads outbox fields by their exact name: write '{meant}' (component '{store.Name}')");
            if (exact is null)
                continue;
            if (item.SecretKeyRef is not null)
                throw Invalid(store, name, $"must be a plain value, not a secretKeyRef (component '{store.Name}')");
            values[exact] = item.Value ?? "";
        }

        var pubsub = values.GetValueOrDefault(PublishPubsubField, "");
        var topic = values.GetValueOrDefault(PublishTopicField, "");
        if (pubsub.Length == 0 && topic.Length == 0)
        {
            foreach (var other in (string[])[OutboxPubsubField, DiscardField])
            {
                if (!string.IsNullOrEmpty(values.GetValueOrDefault(other)))
                    throw Invalid(store, other, $"needs {PublishPubsubField} and {PublishTopicField} (component '{store.Name}')");
            }
            return null;
        }
        if (pubsub.Length == 0)
            throw Invalid(store, PublishPubsubField, $"is required when {PublishTopicField} is set (component '{store.Name}'); daprd would leave the outbox off and publish nothing");
        if (topic.Length == 0)
            throw Invalid(store, PublishTopicField, $"is required when {PublishPubsubField} is set (component '{store.Name}'); daprd would leave the outbox off and publish nothing");

        var outboxPubsub = values.GetValueOrDefault(OutboxPubsubField, "");
        if (outboxPubsub.Length == 0)
            outboxPubsub = pubsub;
        RequirePubsub(store, components, PublishPubsubField, pubsub);
        RequirePubsub(store, components, values.ContainsKey(OutboxPubsubField) ? OutboxPubsubField : PublishPubsubField, outboxPubsub);
        return new OutboxSettings(store.Name, pubsub, topic, outboxPubsub, Truthy(store, values.GetValueOrDefault(DiscardField, "")));
    }

    private static void RequirePubsub(ComponentResource store, ComponentRegistry components, string field, string name)
    {
        if (components.TryGet<IPubSub>(name, out _))
            return;
        var known = string.Join(", ", components.OfType<IPubSub>().Select(p => p.Name).Order());
        throw Invalid(store, field, $"pubsub '{name}' is not a pub/sub component of this app (component '{store.Name}'); known: {(known.Length > 0 ? known : "none")}");
    }

    /// <summary>dapr/kit's IsTruthy (1, true, t, yes, y, on); any other word is an error here rather than a silent false.</summary>
    private static bool Truthy(ComponentResource store, string value) => value.Trim().ToLowerInvariant() switch
    {
        "1" or "true" or "t" or "yes" or "y" or "on" => true,
        "" or "0" or "false" or "f" or "no" or "n" or "off" => false,
        _ => throw Invalid(store, DiscardField, $"'{value}' is not true or false (component '{store.Name}')"),
    };

    private static ResourceException Invalid(ComponentResource store, string field, string problem) =>
        new(store.SourceFile, $"spec.metadata.{field}", problem);
}
