namespace ShopDapr.DevSidecar.Tests.State;

public sealed class StateConformanceTests
{
    private static readonly Dictionary<string, string> InMemory = new() { ["state.yaml"] = Yaml.Component("statestore", "state.in-memory") };

    [Fact]
    public async Task Saved_state_reads_back_through_the_official_client()
    {
        await using var dapr = await TestSidecar.StartAsync(InMemory);
        var ct = TestContext.Current.CancellationToken;

        await dapr.Client.SaveStateAsync("statestore", "order-1", new Order("order-1", 42.5m), cancellationToken: ct);
        var read = await dapr.Client.GetStateAsync<Order>("statestore", "order-1", cancellationToken: ct);

        Assert.Equal(new Order("order-1", 42.5m), read);
    }

    [Fact]
    public async Task Stale_etag_makes_TrySaveState_return_false_and_keeps_the_newer_value()
    {
        await using var dapr = await TestSidecar.StartAsync(InMemory);
        var ct = TestContext.Current.CancellationToken;
        await dapr.Client.SaveStateAsync("statestore", "k", new Order("a", 1), cancellationToken: ct);
        var (_, etag) = await dapr.Client.GetStateAndETagAsync<Order>("statestore", "k", cancellationToken: ct);

        Assert.True(await dapr.Client.TrySaveStateAsync("statestore", "k", new Order("b", 2), etag, cancellationToken: ct));
        Assert.False(await dapr.Client.TrySaveStateAsync("statestore", "k", new Order("c", 3), etag, cancellationToken: ct));
        Assert.Equal(new Order("b", 2), await dapr.Client.GetStateAsync<Order>("statestore", "k", cancellationToken: ct));
    }

    private sealed record Order(string Id, decimal Total);
}
