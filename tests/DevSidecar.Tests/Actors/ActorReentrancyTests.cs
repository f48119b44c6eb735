using System.Diagnostics;
using Dapr.Actors;

namespace ShopDapr.DevSidecar.Tests.Actors;

public sealed class ActorReentrancyTests
{
    private const int InnerTimeoutMs = 1500;

    [Fact]
    public async Task With_reentrancy_on_A_calling_B_calling_A_completes()
    {
        await using var cluster = new ActorCluster();
        await cluster.StartHostAsync("ping-app", "r1", o => o.ReentrancyConfig = new ActorReentrancyConfig { Enabled = true, MaxStackDepth = 8 });
        var caller = await cluster.StartCallerAsync();

        var answer = await ActorCluster.Proxy<IPingActor>(caller, nameof(PingActor), "A").CallThrough("B", InnerTimeoutMs);

        Assert.Equal("echo from A", answer);
    }

    [Fact]
    public async Task With_reentrancy_off_B_cannot_enter_A_while_A_waits_for_B()
    {
        await using var cluster = new ActorCluster();
        await cluster.StartHostAsync("ping-app", "r1");
        var caller = await cluster.StartCallerAsync();
        var a = ActorCluster.Proxy<IPingActor>(caller, nameof(PingActor), "A");

        var clock = Stopwatch.StartNew();
        var answer = await a.CallThrough("B", InnerTimeoutMs);

        Assert.Equal("timed out", answer);
        Assert.True(clock.ElapsedMilliseconds >= InnerTimeoutMs - 50, $"B gave up after {clock.ElapsedMilliseconds} ms");
        // The abandoned call left A's queue: A takes calls again.
        Assert.Equal("echo from A", await a.Echo());
    }
}
