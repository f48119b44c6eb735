using Dapr.Client.Autogen.Grpc.v1;
using ShopDapr.DevSidecar.MetadataApi;

namespace ShopDapr.DevSidecar.PubSub.Subscriptions;

/// <summary>The app's subscriptions in the metadata answer (<c>GET /v1.0/metadata</c>, gRPC GetMetadata), as daprd lists them.</summary>
internal sealed class SubscriptionMetadata(ISubscriptionView view) : IMetadataContributor
{
    public void Contribute(GetMetadataResponse response)
    {
        foreach (var s in view.Subscriptions)
        {
            var item = new PubsubSubscription
            {
                PubsubName = s.PubsubName,
                Topic = s.Topic,
                DeadLetterTopic = s.DeadLetterTopic ?? "",
                Type = s.Type == SubscriptionType.Declarative ? PubsubSubscriptionType.Declarative : PubsubSubscriptionType.Programmatic,
                Rules = new PubsubSubscriptionRules(),
            };
            item.Metadata.Add(s.Metadata.ToDictionary());
            item.Rules.Rules.Add(s.Rules.Select(r => new PubsubSubscriptionRule { Match = r.Match ?? "", Path = r.Path }));
            response.Subscriptions.Add(item);
        }
    }
}
