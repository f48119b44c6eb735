namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// A shop for <see cref="ReplicaKillTests"/> only: the repo's run file with two replicas each of cart, ordering, payment
/// and inventory (one app id, two entries). The run starts the first replica of each; the test starts the second (its
/// sidecar started by the run), so it can <c>kill -9</c> one replica of each while the other carries on.
/// </summary>
public sealed class ReplicaShopFixture : ShopFixture
{
    public static readonly IReadOnlyList<string> Replicated = ["cart", "ordering", "payment", "inventory"];

    protected override IReadOnlyList<string> SecondReplicas => Replicated;

    protected override string LogFileName => "shop-e2e-replicas.log";
}
