using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Tests.State;

/// <summary>What only <c>state.sqlite</c> promises: durability, its metadata, concurrent writers, cleanup.</summary>
public sealed class SqliteStateStoreTests : IDisposable
{
    private readonly TempDir _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Restarting_the_sidecar_keeps_every_key_and_etag()
    {
        var ct = TestContext.Current.CancellationToken;
        var resources = StateStores.Resources(StateStores.Sqlite, _data);
        var etags = new Dictionary<string, string>();
        await using (var first = await TestSidecar.StartAsync(resources))
        {
            for (var i = 0; i < 40; i++)
                await first.Client.SaveStateAsync("statestore", $"key-{i}", new { n = i }, cancellationToken: ct);
            await first.Client.DeleteStateAsync("statestore", "key-0", cancellationToken: ct);
            for (var i = 1; i < 40; i++)
                etags[$"key-{i}"] = (await first.Client.GetStateAndETagAsync<Dictionary<string, int>>("statestore", $"key-{i}", cancellationToken: ct)).etag;
        }

        await using var second = await TestSidecar.StartAsync(resources);

        Assert.Null(await second.Client.GetStateAsync<Dictionary<string, int>>("statestore", "key-0", cancellationToken: ct));
        for (var i = 1; i < 40; i++)
        {
            var (value, etag) = await second.Client.GetStateAndETagAsync<Dictionary<string, int>>("statestore", $"key-{i}", cancellationToken: ct);
            Assert.Equal(i, value["n"]);
            Assert.Equal(etags[$"key-{i}"], etag);
        }
    }

    [Fact]
    public async Task Missing_data_folder_is_created_and_a_file_uri_is_accepted()
    {
        var ct = TestContext.Current.CancellationToken;
        var db = Path.Combine(_data.Path, "nested", "deeper", "state.db");
        var resources = new Dictionary<string, string> { ["state.yaml"] = Yaml.Component("statestore", "state.sqlite", ("connectionString", $"file:{db}?_txlock=immediate")) };

        await using var dapr = await TestSidecar.StartAsync(resources);
        await dapr.Client.SaveStateAsync("statestore", "k", 7, cancellationToken: ct);

        Assert.True(File.Exists(db));
        Assert.Equal(7, await dapr.Client.GetStateAsync<int>("statestore", "k", cancellationToken: ct));
        Assert.Equal("wal", await Scalar(db, "PRAGMA journal_mode", ct));
    }

    [Fact]
    public async Task Table_name_metadata_is_honoured()
    {
        var ct = TestContext.Current.CancellationToken;
        var db = _data.File("custom.db");
        var resources = new Dictionary<string, string>
        {
            ["state.yaml"] = Yaml.Component("statestore", "state.sqlite", ("connectionString", db), ("tableName", "orders_state"), ("keyPrefix", "none")),
        };

        await using var dapr = await TestSidecar.StartAsync(resources);
        await dapr.Client.SaveStateAsync("statestore", "k", "v", cancellationToken: ct);

        Assert.Equal("\"v\"", await Scalar(db, "SELECT value FROM orders_state WHERE key = 'k'", ct));
    }

    [Fact]
    public async Task Missing_connection_string_stops_start_up_naming_file_and_field()
    {
        var resources = new Dictionary<string, string> { ["state.yaml"] = Yaml.Component("statestore", "state.sqlite") };

        var e = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(resources));

        Assert.EndsWith("state.yaml", e.File);
        Assert.Equal("spec.metadata.connectionString", e.Field);
    }

    [Fact]
    public async Task Bad_table_name_or_timeout_stops_start_up_naming_the_field()
    {
        var bad = new Dictionary<string, string> { ["state.yaml"] = Yaml.Component("statestore", "state.sqlite", ("connectionString", _data.File("x.db")), ("tableName", "drop table;")) };
        var e = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(bad));
        Assert.Equal("spec.metadata.tableName", e.Field);

        var shortTimeout = new Dictionary<string, string> { ["state.yaml"] = Yaml.Component("statestore", "state.sqlite", ("connectionString", _data.File("x.db")), ("timeout", "100ms")) };
        e = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(shortTimeout));
        Assert.Equal("spec.metadata.timeout", e.Field);
    }

    [Fact]
    public async Task Two_sidecars_writing_one_file_at_once_lose_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var resources = StateStores.Resources(StateStores.Sqlite, _data, ("keyPrefix", "none"));
        // Separate clusters: two store instances, two connection sets on one database file.
        await using var a = await TestSidecar.StartAsync(resources, "app-a");
        await using var b = await TestSidecar.StartAsync(resources, "app-b");

        await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            (i % 2 == 0 ? a : b).Client.SaveStateAsync("statestore", $"k{i}", i, cancellationToken: ct)));

        for (var i = 0; i < 60; i++)
            Assert.Equal(i, await a.Client.GetStateAsync<int>("statestore", $"k{i}", cancellationToken: ct));
    }

    [Fact]
    public async Task Cleanup_interval_purges_expired_rows_from_the_table()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = new SidecarCluster { Time = time };
        var db = _data.File("statestore.db");
        await using var dapr = await TestSidecar.StartAsync(StateStores.Resources(StateStores.Sqlite, _data, ("cleanupInterval", "1m")), cluster: cluster);
        await dapr.Client.SaveStateAsync("statestore", "temp", 1, metadata: new Dictionary<string, string> { ["ttlInSeconds"] = "5" }, cancellationToken: ct);
        await dapr.Client.SaveStateAsync("statestore", "kept", 2, cancellationToken: ct);
        Assert.Equal(2L, await Scalar(db, "SELECT COUNT(*) FROM state", ct));

        time.Advance(TimeSpan.FromMinutes(1));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((long)(await Scalar(db, "SELECT COUNT(*) FROM state", ct))! != 1 && DateTime.UtcNow < deadline)
            await Task.Delay(20, ct);
        Assert.Equal(1L, await Scalar(db, "SELECT COUNT(*) FROM state", ct));
        Assert.Equal(2, await dapr.Client.GetStateAsync<int>("statestore", "kept", cancellationToken: ct));
    }

    private static async Task<object?> Scalar(string db, string sql, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString());
        await connection.OpenAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync(ct);
    }
}
