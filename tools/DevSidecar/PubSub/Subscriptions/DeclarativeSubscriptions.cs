using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.PubSub.Subscriptions;

/// <summary>Reads the app's Subscription resources; anything unusable stops start-up naming the file and the field.</summary>
internal static class DeclarativeSubscriptions
{
    public static List<SubscriptionInfo> Load(SidecarContext sidecar, Action<string> warn)
    {
        var result = new List<SubscriptionInfo>();
        foreach (var s in sidecar.Resources.OfKind<SubscriptionResource>())
        {
            var file = s.SourceFile;
            var name = s.Metadata.Name;
            if (s.ApiVersion is not (SubscriptionResource.V1Alpha1 or SubscriptionResource.V2Alpha1))
                throw new ResourceException(file, "apiVersion", $"'{s.ApiVersion}' is not a Subscription version daprd reads ({SubscriptionResource.V1Alpha1}, {SubscriptionResource.V2Alpha1}); subscription '{name}'");
            var spec = s.Spec;
            if (string.IsNullOrWhiteSpace(spec.Pubsubname))
                throw new ResourceException(file, "spec.pubsubname", $"is required (subscription '{name}')");
            if (string.IsNullOrWhiteSpace(spec.Topic))
                throw new ResourceException(file, "spec.topic", $"is required (subscription '{name}')");
            if (!sidecar.Resources.Components.Any(c => c.Name == spec.Pubsubname && c.Type.StartsWith("pubsub.", StringComparison.Ordinal)))
                throw new ResourceException(file, "spec.pubsubname", $"pubsub '{spec.Pubsubname}' is not defined in the resources (subscription '{name}')");

            var rules = new List<RoutingRule>();
            for (var i = 0; i < spec.Routes.Rules.Count; i++)
            {
                var r = spec.Routes.Rules[i];
                if (string.IsNullOrWhiteSpace(r.Path))
                    throw new ResourceException(file, $"spec.routes.rules[{i}].path", $"is required (subscription '{name}')");
                var match = string.IsNullOrWhiteSpace(r.Match) ? null : r.Match.Trim();
                if (match is not null && RoutingRules.CompileError(match) is { } error)
                    throw new ResourceException(file, $"spec.routes.rules[{i}].match", $"'{match}' is not a valid CEL expression: {error}");
                rules.Add(new RoutingRule(match, r.Path));
            }
            if (!string.IsNullOrEmpty(spec.Routes.Default))
                rules.Add(new RoutingRule(null, spec.Routes.Default));
            else if (!string.IsNullOrEmpty(spec.Route))
                rules.Add(new RoutingRule(null, spec.Route));
            if (rules.Count == 0)
            {
                var field = s.ApiVersion == SubscriptionResource.V1Alpha1 ? "spec.route" : "spec.routes";
                throw new ResourceException(file, field, $"the subscription to topic '{spec.Topic}' has no route (subscription '{name}')");
            }
            if (!Publisher.TryGetRawPayload(spec.Metadata, out _))
                throw new ResourceException(file, "spec.metadata.rawPayload", $"'{spec.Metadata["rawPayload"]}' is not a boolean (subscription '{name}')");

            if (!s.AppliesTo(sidecar.AppId))
                continue;
            if (!sidecar.Components.TryGet<IPubSub>(spec.Pubsubname, out _))
            {
                warn($"{file}: subscription '{name}' names pubsub '{spec.Pubsubname}', which is scoped away from app '{sidecar.AppId}'; ignored");
                continue;
            }
            var bulk = spec.BulkSubscribe is { } b
                ? new BulkSubscribeOptions(b.Enabled,
                    b.MaxMessagesCount > 0 ? b.MaxMessagesCount : BulkSubscribeOptions.DefaultMaxMessagesCount,
                    b.MaxAwaitDurationMs > 0 ? b.MaxAwaitDurationMs : BulkSubscribeOptions.DefaultMaxAwaitDurationMs)
                : null;
            result.Add(new SubscriptionInfo(spec.Pubsubname, spec.Topic, rules,
                string.IsNullOrEmpty(spec.DeadLetterTopic) ? null : spec.DeadLetterTopic,
                spec.Metadata, bulk, SubscriptionType.Declarative));
        }
        return result;
    }
}
