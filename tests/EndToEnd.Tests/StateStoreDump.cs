using Microsoft.Data.Sqlite;
using Npgsql;
using StackExchange.Redis;
using YamlDotNet.RepresentationModel;
using static ShopDapr.EndToEnd.Tests.ComponentYaml;

namespace ShopDapr.EndToEnd.Tests;

/// <summary>One stored key of the shop's state store: its ETag (a fresh one on every write) and its value as stored.</summary>
public sealed record StoredState(string ETag, string Value);

/// <summary>
/// Every key of a run's state store, read the way the run's own <c>statestore.yaml</c> says where it is: the SQLite
/// file of components/local, the Redis database of components/redis (each key a hash of <c>data</c> and
/// <c>version</c>), or the PostgreSQL table of components/postgres (the ETag is the row's <c>xmin</c>).
/// </summary>
public static class StateStoreDump
{
    public static async Task<IReadOnlyDictionary<string, StoredState>> ReadAsync(string workDir, CancellationToken cancellationToken)
    {
        var spec = StoreSpec(workDir);
        return Scalar(spec, "type") switch
        {
            "state.sqlite" => ReadSqlite(FindSqliteFile(workDir)),
            "state.redis" => await ReadRedisAsync(Metadata(spec, "redisHost")!, int.Parse(Metadata(spec, "redisDB") ?? "0", System.Globalization.CultureInfo.InvariantCulture)),
            "state.postgresql" => await ReadPostgresAsync(Metadata(spec, "connectionString")!, Metadata(spec, "tableName") ?? "state", cancellationToken),
            var other => throw new NotSupportedException($"no reader for a state store of type {other}"),
        };
    }

    /// <summary>The state database of a run's working directory (components/local's <c>shop.db</c>, wherever the run put it).</summary>
    private static string FindSqliteFile(string workDir) =>
        Directory.GetFiles(workDir, "shop.db", SearchOption.AllDirectories) switch
        {
            [var one] => one,
            var found => throw new InvalidOperationException($"expected one shop.db under {workDir}, found {found.Length}"),
        };

    private static Dictionary<string, StoredState> ReadSqlite(string database)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA busy_timeout = 5000";
            pragma.ExecuteNonQuery();
        }
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, etag, value FROM state";
        using var reader = command.ExecuteReader();
        var rows = new Dictionary<string, StoredState>(StringComparer.Ordinal);
        while (reader.Read())
            rows[reader.GetString(0)] = new StoredState(reader.GetString(1), Convert.ToString(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture) ?? "");
        return rows;
    }

    private static async Task<Dictionary<string, StoredState>> ReadRedisAsync(string host, int database)
    {
        await using var mux = await ConnectionMultiplexer.ConnectAsync($"{host},abortConnect=true");
        var db = mux.GetDatabase(database);
        var rows = new Dictionary<string, StoredState>(StringComparer.Ordinal);
        foreach (var endpoint in mux.GetEndPoints())
        {
            await foreach (var key in mux.GetServer(endpoint).KeysAsync(database, pageSize: 1000))
            {
                if (await db.KeyTypeAsync(key) != RedisType.Hash)
                    continue; // the pub/sub's streams share the database
                var fields = await db.HashGetAsync(key, ["version", "data"]);
                if (fields[0].HasValue)
                    rows[key.ToString()] = new StoredState(fields[0].ToString(), fields[1].ToString());
            }
        }
        return rows;
    }

    private static async Task<Dictionary<string, StoredState>> ReadPostgresAsync(string connectionString, string table, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(FromLibpq(connectionString));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT key, xmin::text, value::text FROM {table}", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new Dictionary<string, StoredState>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
            rows[reader.GetString(0)] = new StoredState(reader.GetString(1), reader.GetString(2));
        return rows;
    }

    /// <summary>The libpq <c>key=value</c> form the component uses (unquoted values: <see cref="ComponentSet"/> wrote it) as Npgsql's.</summary>
    private static string FromLibpq(string keywords)
    {
        var builder = new NpgsqlConnectionStringBuilder { Pooling = false };
        foreach (var pair in keywords.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)))
        {
            switch (pair[0])
            {
                case "host": builder.Host = pair[1]; break;
                case "port": builder.Port = int.Parse(pair[1], System.Globalization.CultureInfo.InvariantCulture); break;
                case "user": builder.Username = pair[1]; break;
                case "password": builder.Password = pair[1]; break;
                case "database" or "dbname": builder.Database = pair[1]; break;
            }
        }
        return builder.ConnectionString;
    }

    private static YamlMappingNode StoreSpec(string workDir)
    {
        var folder = Path.Combine(workDir, ComponentSet.Folder(ComponentSet.Name));
        return Directory.GetFiles(folder, "*.yaml")
            .SelectMany(file => ComponentYaml.ComponentSpecs(ComponentYaml.Load(file)))
            .FirstOrDefault(spec => Scalar(spec, "type")?.StartsWith("state.", StringComparison.Ordinal) == true && Metadata(spec, "actorStateStore") == "true")
            ?? throw new InvalidOperationException($"no actor state store (the shop's statestore) in {folder}");
    }
}
