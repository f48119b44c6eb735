using Npgsql;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Tests.State;

/// <summary>What only <c>state.postgresql</c> promises: contrib's v1 table on a real PostgreSQL, and clear start-up errors.</summary>
public sealed class PostgresStateStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rows_follow_contribs_v1_layout_with_json_as_jsonb_bytes_as_base64_and_xmin_as_etag()
    {
        var metadata = StateStores.PostgresMetadata();
        await using var dapr = await TestSidecar.StartAsync(
            new Dictionary<string, string> { ["state.yaml"] = Yaml.Component("statestore", "state.postgresql", metadata) }, "orders");
        await dapr.Client.SaveStateAsync("statestore", "json", new { total = 5 }, cancellationToken: Ct);
        await dapr.Client.SaveByteStateAsync("statestore", "bytes", new byte[] { 0, 1, 2, 255 }, cancellationToken: Ct);
        var (_, etag) = await dapr.Client.GetStateAndETagAsync<object>("statestore", "json", cancellationToken: Ct);

        await using var conn = new NpgsqlConnection((await PostgresServer.Shared).NpgsqlConnectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand($"SELECT key, value::text, isbinary, xmin::text, expiredate IS NULL, row_id FROM {metadata[1].Item2} ORDER BY key", conn);
        await using var reader = await cmd.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal(("orders||bytes", "\"AAEC/w==\"", true), (reader.GetString(0), reader.GetString(1), reader.GetBoolean(2)));
        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal(("orders||json", "{\"total\": 5}", false), (reader.GetString(0), reader.GetString(1), reader.GetBoolean(2)));
        Assert.Equal(etag, reader.GetString(3));
        Assert.True(reader.GetBoolean(4));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, (await dapr.Client.GetByteStateAsync("statestore", "bytes", cancellationToken: Ct)).ToArray());
    }

    [Fact]
    public async Task Wrong_password_stops_start_up_saying_the_server_refused_the_credentials()
    {
        _ = StateStores.PostgresMetadata();
        var server = await PostgresServer.Shared;

        var e = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(new Dictionary<string, string>
        {
            ["state.yaml"] = Yaml.Component("orders-store", "state.postgresql", ("connectionString", server.ConnectionString("wrong"))),
        }));

        Assert.EndsWith("state.yaml", e.File);
        Assert.Contains("'orders-store'", e.Message);
        Assert.Contains("refused the credentials", e.Message);
        Assert.DoesNotContain("wrong", e.Message); // the password never reaches a message
    }

    [Fact]
    public async Task A_server_nobody_listens_on_stops_start_up_naming_the_component()
    {
        _ = StateStores.PostgresMetadata();
        var port = ServerProcess.FreePort();

        var e = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(new Dictionary<string, string>
        {
            ["state.yaml"] = Yaml.Component("statestore", "state.postgresql", ("connectionString", $"postgres://postgres:x@127.0.0.1:{port}/postgres"), ("timeout", "2s")),
        }));

        Assert.Contains($"127.0.0.1:{port}/postgres", e.Message);
        Assert.Contains("'statestore'", e.Message);
    }

    [Fact]
    public async Task An_unknown_metadata_field_is_named()
    {
        var e = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(new Dictionary<string, string>
        {
            ["state.yaml"] = Yaml.Component("statestore", "state.postgresql", [.. StateStores.PostgresMetadata(), ("tablename_", "x")]),
        }));

        Assert.Equal("spec.metadata.tablename_", e.Field);
    }
}
