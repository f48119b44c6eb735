namespace ShopDapr.EndToEnd.Tests.Fuzz;

/// <summary>
/// A shop of its own for <see cref="HostileInputTests"/>: its state store must move only by what the fuzzer does, so no
/// other test may share it; and one client sends thousands of requests, so the gateway's per-client limits are lifted
/// (they would answer most of them 429 before any handler saw them).
/// </summary>
public sealed class FuzzShopFixture : ShopFixture
{
    protected override IReadOnlyDictionary<string, string> RunEnvironment { get; } =
        new Dictionary<string, string>(Environment, StringComparer.Ordinal) { ["Gateway__RateLimitPermits"] = "1000000" };

    protected override string LogFileName => "shop-e2e-fuzz.log";
}
