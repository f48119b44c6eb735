namespace ShopDapr.EndToEnd.Tests;

/// <summary>
/// A second shop, for <see cref="CrashRecoveryTests"/> only: the same run file, but ordering and payment are started by
/// the test (their sidecars by the run, as sidecar-only apps), so a test can <c>kill -9</c> one mid-flight and restart it.
/// Its own shop, because a crash test must not leave the shared one's sagas or ledger in a state other tests read.
/// </summary>
public sealed class ChaosShopFixture() : ShopFixture(Ordering, Payment)
{
    public const string Ordering = "ordering";
    public const string Payment = "payment";

    protected override string LogFileName => "shop-e2e-chaos.log";
}
