using Dapr;
using Dapr.Client;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Tests.State;

/// <summary>The state API through the official DaprClient, against every store kind.</summary>
public sealed class StateConformanceTests : IDisposable
{
    private const string Store = "statestore";
    private readonly TempDir _data = new();

    public void Dispose() => _data.Dispose();

    private Task<TestSidecar> Start(string kind, SidecarCluster? cluster = null, params (string, string)[] metadata) =>
        TestSidecar.StartAsync(StateStores.Resources(kind, _data, metadata), cluster: cluster);

    [Theory]
    [MemberData(nameof(StateStores.Kinds), MemberType = typeof(StateStores))]
    public async Task Saved_state_reads_back_through_the_official_client(string kind)
    {
        await using var dapr = await Start(kind);
        var ct = TestContext.Current.CancellationToken;

        await dapr.Client.SaveStateAsync(Store, "order-1", new Order("order-1", 42.5m), cancellationToken: ct);
        var read = await dapr.Client.GetStateAsync<Order>(Store, "order-1", cancellationToken: ct);

        Assert.Equal(new Order("order-1", 42.5m), read);
        Assert.Null(await dapr.Client.GetStateAsync<Order>(Store, "missing", cancellationToken: ct));
    }

    [Theory]
    [MemberData(nameof(StateStores.Kinds), MemberType = typeof(StateStores))]
    public async Task Stale_etag_makes_TrySaveState_return_false_and_keeps_the_newer_value(string kind)
    {
        await using var dapr = await Start(kind);
        var ct = TestContext.Current.CancellationToken;
        await dapr.Client.SaveStateAsync(Store, "k", new Order("a", 1), cancellationToken: ct);
        var (_, etag) = await dapr.Client.GetStateAndETagAsync<Order>(Store, "k", cancellationToken: ct);

        Assert.True(await dapr.Client.TrySaveStateAsync(Store, "k", new Order("b", 2), etag, cancellationToken: ct));
        Assert.False(await dapr.Client.TrySaveStateAsync(Store, "k", new Order("c", 3), etag, cancellationToken: ct));
        Assert.Equal(new Order("b", 2), await dapr.Client.GetStateAsync<Order>(Store, "k", cancellationToken: ct));
    }

    [Theory]
    [MemberData(nameof(StateStores.Kinds), MemberType = typeof(StateStores))]
    public async Task Every_write_gets_a_fresh_etag_in_the_stores_format(string kind)
    {
        await using var dapr = await Start(kind);
        var ct = TestContext.Current.CancellationToken;
        await dapr.Client.SaveStateAsync(Store, "k", 1, cancellationToken: ct);
        var (_, first) = await dapr.Client.GetStateAndETagAsync<int>(Store, "k", cancellationToken: ct);
        await dapr.Client.SaveStateAsync(Store, "k", 1, cancellationToken: ct);
        var (_, second) = await dapr.Client.GetStateAndETagAsync<int>(Store, "k", cancellationToken: ct);

        Assert.True(StateStores.IsStoreETag(kind, first), first);
        Assert.True(StateStores.IsStoreETag(kind, second), second);
        Assert.NotEqual(first, second);
        if (kind == StateStores.Redis)
            Assert.Equal(long.Parse(first) + 1, long.Parse(second)); // contrib's version number
        if (kind == StateStores.Postgres)
            Assert.True(uint.Parse(second) > uint.Parse(first)); // a later transaction's xmin
    }

    [Theory]
    [MemberData(nameof(StateStores.Kinds), MemberType = typeof(StateStores))]
    public async Task Stale_etag_makes_TryDeleteState_return_false_and_a_current_one_deletes(string kind)
    {
        await using var dapr = await Start(kind);
        var ct = TestContext.Current.CancellationToken;
        await dapr.Client.SaveStateAsync(Store, "k", new Order("a", 1), cancellationToken: ct);
        var (_, stale) = await dapr.Client.GetStateAndETagAsync<Order>(Store, "k", cancellationToken: ct);
        await dapr.Client.SaveStateAsync(Store, "k", new Order("b", 2), cancellationToken: ct);

        Assert.False(await dapr.Client.TryDeleteStateAsync(Store, "k", stale, cancellationToken: ct));
        Assert.Equal(new Order("b", 2), await dapr.Client.GetStateAsync<Order>(Store, "k", cancellationToken: ct));

        var (_, current) = await dapr.Client.GetStateAndETagAsync<Order>(Store, "k", cancellationToken: ct);
        Assert.True(await dapr.Client.TryDeleteStateAsync(Store, "k", current, cancellationToken: ct));
        Assert.Null(await dapr.Client.GetStateAsync<Order>(Store, "k", cancellationToken: ct));
    }

    [Theory]
    [MemberData(nameof(StateStores.Kinds), MemberType = typeof(StateStores))]
    public async Task Etag_for_a_missing_key_is_a_mismatch(string kind)
    {
        await using var dapr = await Start(kind);
        var ct = TestContext.Current.CancellationToken;

        await dapr.Client.SaveStateAsync(Store, "somebody", 1, cancellationToken: ct);
        var (_, etag) = await dapr.Client.GetStateAndETagAsync<int>(Store, "somebody", cancellationToken: ct);

        Assert.False(await dapr.Client.TrySaveStateAsync(Store, "nobody", 1, etag, cancellationToken: ct));
        Assert.Null(await dapr.Client.GetStateAsync<int?>(Store, "nobody", cancellationToken: ct));
    }

    [Theory]
    [MemberData(nameof(StateStores.Kinds), MemberType = typeof(StateStores))]
    public async Task First_write_refuses_to_overwrite_an_existing_key(string kind)
    {
        await using var dapr = await Start(kind);
        var ct = TestContext.Current.CancellationToken;
        var firstWrite = new StateOptions { Concurrency = ConcurrencyMode.FirstWrite };

        await dapr.Client.SaveStateAsync(Store, "k", "one", firstWrite, cancellationToken: ct);
        var e = await Assert.ThrowsAsync<DaprException>(() => dapr.Client.SaveStateAsync(Store, "k", "two", firstWrite, cancellationToken: ct));

        Assert.Equal(StatusCode.Aborted, Assert.IsType<RpcException>(e.InnerException).StatusCode);
        Assert.Equal("one", await dapr.Client.GetStateAsync<string>(Store, "k", cancellationToken: ct));
        await dapr.Client.SaveStateAsync(Store, "k", "three", cancellationToken: ct); // last-write still overwrites
        Assert.Equal("three", await dapr.Client.GetStateAsync<string>(Store, "k", cancellationToken: ct));
    }

    [Theory]
    [MemberData(nameof(StateStores.Kinds), MemberType = typeof(StateStores))]
    public async Task Bulk_get_returns_each_key_with_its_etag_and_missing_keys_empty(string kind)
    {
        await using var dapr = await Start(kind);
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < 5; i++)
            await dapr.Client.SaveStateAsync(Store, $"k{i}", new Order($"o{i}", i), cancellationToken: ct);

        var items = await dapr.Client.GetBulkStateAsync<Order>(Store, ["k0", "k1", "k2", "k3", "k4", "none"], parallelism: 2, cancellationToken: ct);

        Assert.Equal(6, items.Count);
        for (var i = 0; i < 5; i++)
        {
            var item = Assert.Single(items, x => x.Key == $"k{i}");
            Assert.Equal(new Order($"o{i}", i), item.Value);
            Assert.False(string.IsNullOrEmpty(item.ETag));
        }
        Assert.Null(Assert.Single(items, x => x.Key == "none").Value);
    }

    [Theory]
    [MemberData(nameof(StateStores.Kinds), MemberType = typeof(StateStores))]
    public async Task Delete_bulk_removes_every_key(string kind)
    {
        await using var dapr = await Start(kind);
        var ct = TestContext.Current.CancellationToken;
        await dapr.Client.SaveStateAsync(Store, "a", 1, cancellationToken: ct);
        await dapr.Client.SaveStateAsync(Store, "b", 2, cancellationToken: ct);
        await dapr.Client.SaveStateAsync(Store, "c", 3, cancellationToken: ct);

        await dapr.Client.DeleteBulkStateAsync(Store, [new BulkDeleteStateItem("a", ""), new BulkDeleteStateItem("b", "")], ct);

        Assert.Null(await dapr.Client.GetStateAsync<int?>(Store, "a", cancellationToken: ct));
        Assert.Null(await dapr.Client.GetStateAsync<int?>(Store, "b", cancellationToken: ct));
        Assert.Equal(3, await dapr.Client.GetStateAsync<int>(Store, "c", cancellationToken: ct));
    }

    [Theory]
    [MemberData(nameof(StateStores.Kinds), MemberType = typeof(StateStores))]
    public async Task Transaction_applies_upserts_and_deletes_together(string kind)
    {
        await using var dapr = await Start(kind);
        var ct = TestContext.Current.CancellationToken;
        await dapr.Client.SaveStateAsync(Store, "old", "x", cancellationToken: ct);

        await dapr.Client.ExecuteStateTransactionAsync(Store,
        [
            new StateTransactionRequest("a", Json("A"), StateOperationType.Upsert),
            new StateTransactionRequest("b", Json("B"), StateOperationType.Upsert),
            new StateTransactionRequest("old", null, StateOperationType.Delete),
        ], cancellationToken: ct);

        Assert.Equal("A", await dapr.Client.GetStateAsync<string>(Store, "a", cancellationToken: ct));
        Assert.Equal("B", await dapr.Client.GetStateAsync<string>(Store, "b", cancellationToken: ct));
        Assert.Null(await dapr.Client.GetStateAsync<string>(Store, "old", cancellationToken: ct));
    }

    [Theory]
    [MemberData(nameof(StateStores.Kinds), MemberType = typeof(StateStores))]
    public async Task Transaction_with_one_stale_etag_writes_nothing(string kind)
    {
        await using var dapr = await Start(kind);
        var ct = TestContext.Current.CancellationToken;
        await dapr.Client.SaveStateAsync(Store, "keep", "v1", cancellationToken: ct);
        var (_, stale) = await dapr.Client.GetStateAndETagAsync<string>(Store, "keep", cancellationToken: ct);
        await dapr.Client.SaveStateAsync(Store, "keep", "v2", cancellationToken: ct);
        await dapr.Client.SaveStateAsync(Store, "gone", "still here", cancellationToken: ct);

        var e = await Assert.ThrowsAsync<DaprException>(() => dapr.Client.ExecuteStateTransactionAsync(Store,
        [
            new StateTransactionRequest("new", Json("N"), StateOperationType.Upsert),
            new StateTransactionRequest("gone", null, StateOperationType.Delete),
            new StateTransactionRequest("keep", Json("v3"), StateOperationType.Upsert, etag: stale),
        ], cancellationToken: ct));

        Assert.Equal(StatusCode.Internal, Assert.IsType<RpcException>(e.InnerException).StatusCode); // as daprd
        Assert.Null(await dapr.Client.GetStateAsync<string>(Store, "new", cancellationToken: ct));
        Assert.Equal("still here", await dapr.Client.GetStateAsync<string>(Store, "gone", cancellationToken: ct));
        Assert.Equal("v2", await dapr.Client.GetStateAsync<string>(Store, "keep", cancellationToken: ct));
    }

    [Theory]
    [MemberData(nameof(StateStores.SidecarClockKinds), MemberType = typeof(StateStores))]
    public async Task Ttl_expired_value_is_never_returned(string kind)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = new SidecarCluster { Time = time };
        await using var dapr = await Start(kind, cluster);
        var ct = TestContext.Current.CancellationToken;
        var ttl = new Dictionary<string, string> { ["ttlInSeconds"] = "10" };

        await dapr.Client.SaveStateAsync(Store, "short", "lived", metadata: ttl, cancellationToken: ct);
        await dapr.Client.SaveStateAsync(Store, "forever", "kept", cancellationToken: ct);
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal("lived", await dapr.Client.GetStateAsync<string>(Store, "short", cancellationToken: ct));

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(await dapr.Client.GetStateAsync<string>(Store, "short", cancellationToken: ct));
        Assert.Equal("kept", await dapr.Client.GetStateAsync<string>(Store, "forever", cancellationToken: ct));
        var bulk = await dapr.Client.GetBulkStateAsync(Store, ["short"], parallelism: 1, cancellationToken: ct);
        Assert.True(string.IsNullOrEmpty(Assert.Single(bulk).Value));
        // An ETag of an expired value no longer matches, and first-write may write over it.
        Assert.True(await dapr.Client.TrySaveStateAsync(Store, "short", "again", "", new StateOptions { Concurrency = ConcurrencyMode.FirstWrite }, cancellationToken: ct));
    }

    [Theory]
    [MemberData(nameof(StateStores.ServerClockKinds), MemberType = typeof(StateStores))]
    public async Task Ttl_on_a_server_store_expires_by_the_servers_clock_and_a_write_without_ttl_keeps_its_value(string kind)
    {
        await using var dapr = await Start(kind);
        var ct = TestContext.Current.CancellationToken;
        var ttl = new Dictionary<string, string> { ["ttlInSeconds"] = "1" };

        await dapr.Client.SaveStateAsync(Store, "short", "lived", metadata: ttl, cancellationToken: ct);
        await dapr.Client.SaveStateAsync(Store, "renewed", "first", metadata: ttl, cancellationToken: ct);
        await dapr.Client.SaveStateAsync(Store, "renewed", "kept", cancellationToken: ct); // a write without ttlInSeconds clears it
        Assert.Equal("lived", await dapr.Client.GetStateAsync<string>(Store, "short", cancellationToken: ct));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await dapr.Client.GetStateAsync<string>(Store, "short", cancellationToken: ct) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the value with ttlInSeconds 1 was still there after 10 s");
            await Task.Delay(100, ct);
        }
        Assert.Equal("kept", await dapr.Client.GetStateAsync<string>(Store, "renewed", cancellationToken: ct));
        Assert.True(await dapr.Client.TrySaveStateAsync(Store, "short", "again", "", new StateOptions { Concurrency = ConcurrencyMode.FirstWrite }, cancellationToken: ct));
    }

    [Theory]
    [MemberData(nameof(StateStores.Kinds), MemberType = typeof(StateStores))]
    public async Task Unknown_store_is_InvalidArgument_naming_it(string kind)
    {
        await using var dapr = await Start(kind);
        var ct = TestContext.Current.CancellationToken;

        var e = await Assert.ThrowsAsync<DaprException>(() => dapr.Client.GetStateAsync<string>("nostore", "k", cancellationToken: ct));

        var rpc = Assert.IsType<RpcException>(e.InnerException);
        Assert.Equal(StatusCode.InvalidArgument, rpc.StatusCode);
        Assert.Equal("state store nostore is not found", rpc.Status.Detail);
    }

    [Theory]
    [MemberData(nameof(StateStores.Kinds), MemberType = typeof(StateStores))]
    public async Task Key_holding_the_prefix_separator_is_refused(string kind)
    {
        await using var dapr = await Start(kind);
        var ct = TestContext.Current.CancellationToken;

        var e = await Assert.ThrowsAsync<DaprException>(() => dapr.Client.SaveStateAsync(Store, "other-app||k", 1, cancellationToken: ct));

        Assert.Equal(StatusCode.InvalidArgument, Assert.IsType<RpcException>(e.InnerException).StatusCode);
    }

    private static byte[] Json<T>(T value) => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));

    private sealed record Order(string Id, decimal Total);
}
