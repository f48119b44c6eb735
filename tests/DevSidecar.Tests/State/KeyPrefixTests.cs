using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Tests.State;

/// <summary>keyPrefix appid / name / none / literal, as daprd stores keys, seen from two apps sharing one store.</summary>
public sealed class KeyPrefixTests : IDisposable
{
    private readonly TempDir _data = new();
    private readonly TempDir _resources = new();

    public void Dispose()
    {
        _data.Dispose();
        _resources.Dispose();
    }

    [Theory]
    [InlineData(StateStores.InMemory, null, "orders||k", false)]
    [InlineData(StateStores.Sqlite, null, "orders||k", false)]
    [InlineData(StateStores.InMemory, "appid", "orders||k", false)]
    [InlineData(StateStores.Sqlite, "name", "statestore||k", true)]
    [InlineData(StateStores.InMemory, "name", "statestore||k", true)]
    [InlineData(StateStores.Sqlite, "none", "k", true)]
    [InlineData(StateStores.InMemory, "none", "k", true)]
    [InlineData(StateStores.Sqlite, "shop", "shop||k", true)]
    [InlineData(StateStores.InMemory, "namespace", "orders||k", false)] // NAMESPACE unset: the appid form
    [InlineData(StateStores.Redis, null, "orders||k", false)]
    [InlineData(StateStores.Redis, "name", "statestore||k", true)]
    [InlineData(StateStores.Redis, "none", "k", true)]
    [InlineData(StateStores.Redis, "shop", "shop||k", true)]
    [InlineData(StateStores.Postgres, null, "orders||k", false)]
    [InlineData(StateStores.Postgres, "none", "k", true)]
    public async Task Keys_are_stored_with_the_prefix_daprd_uses(string kind, string? mode, string storedKey, bool sharedWithOtherApps)
    {
        var ct = TestContext.Current.CancellationToken;
        (string, string)[] metadata = mode is null ? [] : [("keyPrefix", mode)];
        await File.WriteAllTextAsync(_resources.File("state.yaml"), StateStores.Component("statestore", kind, _data, metadata), ct);
        await using var cluster = new SidecarCluster();
        await using var orders = await Start("orders", cluster);
        await using var billing = await Start("billing", cluster);

        await orders.Client.SaveStateAsync("statestore", "k", "from orders", cancellationToken: ct);

        Assert.True(orders.Sidecar.Context.Components.TryGet<IStateStore>("statestore", out var store));
        var raw = await store.GetAsync(storedKey, ct);
        Assert.NotNull(raw);
        Assert.Equal("\"from orders\"", System.Text.Encoding.UTF8.GetString(raw.Value));
        var seenByBilling = await billing.Client.GetStateAsync<string>("statestore", "k", cancellationToken: ct);
        Assert.Equal(sharedWithOtherApps ? "from orders" : null, seenByBilling);
    }

    private async Task<TestSidecar> Start(string appId, SidecarCluster cluster)
    {
        return await TestSidecar.StartAsync(new Dictionary<string, string>(), appId, cluster: cluster,
            configure: o => o with { ResourcesPaths = [_resources.Path] });
    }
}
