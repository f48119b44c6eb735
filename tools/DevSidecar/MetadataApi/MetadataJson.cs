using Dapr.Client.Autogen.Grpc.v1;

namespace ShopDapr.DevSidecar.MetadataApi;

/// <summary>The JSON daprd's GET /v1.0/metadata writes for a GetMetadata answer (its own shape, with empty fields left out).</summary>
internal static class MetadataJson
{
    public static Dictionary<string, object> From(GetMetadataResponse r)
    {
        var json = new Dictionary<string, object>();
        Put(json, "id", r.Id);
        Put(json, "runtimeVersion", r.RuntimeVersion);
        if (r.EnabledFeatures.Count > 0)
            json["enabledFeatures"] = r.EnabledFeatures.ToList();
#pragma warning disable CS0612 // daprd still writes the deprecated field as "actors"
        if (r.ActiveActorsCount.Count > 0)
            json["actors"] = r.ActiveActorsCount.Select(a => new { type = a.Type, count = a.Count }).ToList();
#pragma warning restore CS0612
        if (r.RegisteredComponents.Count > 0)
            json["components"] = r.RegisteredComponents.Select(Component).ToList();
        if (r.ExtendedMetadata.Count > 0)
            json["extended"] = r.ExtendedMetadata.ToDictionary(e => e.Key, e => e.Value);
        if (r.Subscriptions.Count > 0)
            json["subscriptions"] = r.Subscriptions.Select(Subscription).ToList();
        if (r.HttpEndpoints.Count > 0)
            json["httpEndpoints"] = r.HttpEndpoints.Select(e => new { name = e.Name }).ToList();
        if (r.AppConnectionProperties is { } app)
        {
            var props = new Dictionary<string, object>();
            Put(props, "port", app.Port);
            Put(props, "protocol", app.Protocol);
            Put(props, "channelAddress", app.ChannelAddress);
            Put(props, "maxConcurrency", app.MaxConcurrency);
            if (props.Count > 0)
                json["appConnectionProperties"] = props;
        }
        if (r.ActorRuntime is { } actors)
        {
            var runtime = new Dictionary<string, object>
            {
                ["runtimeStatus"] = actors.RuntimeStatus.ToString().ToUpperInvariant(),
                ["hostReady"] = actors.HostReady,
            };
            if (actors.ActiveActors.Count > 0)
                runtime["activeActors"] = actors.ActiveActors.Select(a => new { type = a.Type, count = a.Count }).ToList();
            Put(runtime, "placement", actors.Placement);
            json["actorRuntime"] = runtime;
        }
        if (r.Workflows is { ConnectedWorkers: > 0 } workflows)
            json["workflows"] = new { connectedWorkers = workflows.ConnectedWorkers };
        return json;
    }

    private static Dictionary<string, object> Component(RegisteredComponents c)
    {
        var json = new Dictionary<string, object>();
        Put(json, "name", c.Name);
        Put(json, "type", c.Type);
        Put(json, "version", c.Version);
        if (c.Capabilities.Count > 0)
            json["capabilities"] = c.Capabilities.ToList();
        return json;
    }

    private static Dictionary<string, object> Subscription(PubsubSubscription s)
    {
        var json = new Dictionary<string, object> { ["pubsubname"] = s.PubsubName, ["topic"] = s.Topic };
        if (s.Metadata.Count > 0)
            json["metadata"] = s.Metadata.ToDictionary(m => m.Key, m => m.Value);
        if (s.Rules is { Rules.Count: > 0 } rules)
            json["rules"] = rules.Rules.Select(rule => RuleJson(rule)).ToList();
        json["deadLetterTopic"] = s.DeadLetterTopic;
        json["type"] = s.Type.ToString().ToUpperInvariant();
        return json;
    }

    private static Dictionary<string, object> RuleJson(PubsubSubscriptionRule rule)
    {
        var json = new Dictionary<string, object>();
        Put(json, "match", rule.Match);
        Put(json, "path", rule.Path);
        return json;
    }

    private static void Put(Dictionary<string, object> json, string name, string value)
    {
        if (!string.IsNullOrEmpty(value))
            json[name] = value;
    }

    private static void Put(Dictionary<string, object> json, string name, int value)
    {
        if (value != 0)
            json[name] = value;
    }
}
