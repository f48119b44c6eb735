using Dapr;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Tests.PubSub;

/// <summary>
/// Two replicas of one subscriber app: when one's app dies, the events the broker hands that replica go to the other,
/// none lost or dead-lettered, as daprd stops a replica's subscriptions while its app is unhealthy.
/// </summary>
public sealed class DeadReplicaDeliveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(PubSubYaml.Kinds), MemberType = typeof(PubSubYaml))]
    public async Task Events_for_a_replica_whose_app_died_go_to_the_other_replica(string kind)
    {
        await using var cluster = new SidecarCluster();
        var feed = System.Threading.Channels.Channel.CreateUnbounded<Delivery>();
        await using var one = await SubscriberApp.StartAsync(a => a.MapPost("/work", () => Results.Ok()).WithTopic(PubSubYaml.Pubsub, "jobs"), "replica-1", feed);
        await using var two = await SubscriberApp.StartAsync(a => a.MapPost("/work", () => Results.Ok()).WithTopic(PubSubYaml.Pubsub, "jobs"), "replica-2", feed);
        var line = new DyingAppHandler(one.Handler);
        await using var dapr1 = await DeliveryTests.SidecarFor(one, "worker", resources: PubSubYaml.For(kind), cluster: cluster,
            channel: AppChannelOptions.FromHandler(line));
        await using var dapr2 = await DeliveryTests.SidecarFor(two, "worker", cluster: cluster, shareResourcesWith: dapr1);

        line.Die();
        const int count = 10;
        for (var i = 0; i < count; i++)
            await dapr2.Client.PublishEventAsync(PubSubYaml.Pubsub, "jobs", new { n = i }, Ct);

        var got = new List<Delivery>();
        for (var i = 0; i < count; i++)
            got.Add(await one.NextAnyAsync());
        Assert.Equal(count, got.Select(d => (int)d.Json["data"]!["n"]!).Distinct().Count());
        Assert.All(got, d => Assert.Equal("replica-2", d.App));
        Assert.True(line.Refused > 0, "no event was offered to the dead replica first");
        Assert.True(dapr1.Sidecar.Context.App!.Health.IsDown);
    }

    /// <summary>In front of an in-process app: once it dies, every connection is refused, as to a port nobody listens on.</summary>
    private sealed class DyingAppHandler(HttpMessageHandler app) : DelegatingHandler(app)
    {
        private volatile bool _dead;
        private int _refused;

        public int Refused => Volatile.Read(ref _refused);

        public void Die() => _dead = true;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!_dead)
                return base.SendAsync(request, cancellationToken);
            Interlocked.Increment(ref _refused);
            throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:1)");
        }
    }
}
