using System.Diagnostics;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Tests.State;

/// <summary>What only <c>state.redis</c> promises: contrib's layout on a real redis-server, and clear start-up errors.</summary>
public sealed class RedisStateStoreTests : IDisposable
{
    private readonly TempDir _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Values_are_stored_as_contribs_hash_of_data_and_version_under_the_prefixed_key()
    {
        var ct = TestContext.Current.CancellationToken;
        var metadata = StateStores.RedisMetadata();
        await using var dapr = await TestSidecar.StartAsync(
            new Dictionary<string, string> { ["state.yaml"] = Yaml.Component("statestore", "state.redis", metadata) }, "orders");
        await dapr.Client.SaveStateAsync("statestore", "k", new { total = 5 }, cancellationToken: ct);
        await dapr.Client.SaveStateAsync("statestore", "k", new { total = 6 }, cancellationToken: ct);

        var redis = await (await RedisServer.Shared).ConnectAsync(int.Parse(metadata[1].Item2));
        var hash = (await redis.HashGetAllAsync("orders||k")).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);

        Assert.Equal("""{"total":6}""", hash["data"]);
        Assert.Equal("2", hash["version"]);
        Assert.Null(await redis.KeyTimeToLiveAsync("orders||k"));
    }

    [Fact]
    public async Task A_non_numeric_etag_on_a_save_is_InvalidArgument_as_contrib_parses_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dapr = await TestSidecar.StartAsync(StateStores.Resources(StateStores.Redis, _data));
        await dapr.Client.SaveStateAsync("statestore", "k", 1, cancellationToken: ct);

        var e = await Assert.ThrowsAsync<Dapr.DaprException>(() => dapr.Client.TrySaveStateAsync("statestore", "k", 2, "not-a-version", cancellationToken: ct));

        Assert.Equal(global::Grpc.Core.StatusCode.InvalidArgument, Assert.IsType<global::Grpc.Core.RpcException>(e.InnerException).StatusCode);
        Assert.Equal(1, await dapr.Client.GetStateAsync<int>("statestore", "k", cancellationToken: ct));
    }

    [Fact]
    public async Task A_server_nobody_listens_on_stops_start_up_quickly_naming_the_file_and_the_component()
    {
        _ = StateStores.RedisMetadata(); // skips, saying why, without redis-server
        var port = ServerProcess.FreePort();
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(new Dictionary<string, string>
        {
            ["state.yaml"] = Yaml.Component("orders-store", "state.redis", ("redisHost", $"127.0.0.1:{port}"), ("dialTimeout", "2s")),
        }));

        Assert.EndsWith("state.yaml", e.File);
        Assert.Contains("'orders-store'", e.Message);
        Assert.Contains($"127.0.0.1:{port}", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Wrong_credentials_stop_start_up_saying_the_server_refused_them()
    {
        var host = StateStores.RedisMetadata()[0].Item2;

        var e = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(new Dictionary<string, string>
        {
            ["state.yaml"] = Yaml.Component("statestore", "state.redis", ("redisHost", host), ("redisUsername", "nobody"), ("redisPassword", "wrong")),
        }));

        Assert.Contains("refused the credentials", e.Message);
        Assert.Contains("'statestore'", e.Message);
    }

    [Fact]
    public async Task An_unknown_metadata_field_is_named()
    {
        var e = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(new Dictionary<string, string>
        {
            ["state.yaml"] = Yaml.Component("statestore", "state.redis", [.. StateStores.RedisMetadata(), ("redisHots", "x")]),
        }));

        Assert.Equal("spec.metadata.redisHots", e.Field);
        Assert.Contains("unknown metadata field", e.Message);
    }
}
