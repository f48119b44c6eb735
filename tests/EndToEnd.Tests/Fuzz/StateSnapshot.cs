using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace ShopDapr.EndToEnd.Tests.Fuzz;

/// <summary>Every key of the shop's state store with its ETag (a fresh one on every write), read from the SQLite file the sidecars share.</summary>
public sealed class StateSnapshot
{
    private StateSnapshot(Dictionary<string, string> etags) => ETags = etags;

    public IReadOnlyDictionary<string, string> ETags { get; }

    /// <summary>The state database of a run's working directory (components/local's <c>shop.db</c>, wherever the run put it).</summary>
    public static string FindDatabase(string workDir) =>
        Directory.GetFiles(workDir, "shop.db", SearchOption.AllDirectories) switch
        {
            [var one] => one,
            var found => throw new InvalidOperationException($"expected one shop.db under {workDir}, found {found.Length}"),
        };

    public static StateSnapshot Read(string database)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA busy_timeout = 5000";
            pragma.ExecuteNonQuery();
        }
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, etag FROM state";
        using var reader = command.ExecuteReader();
        var etags = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
            etags[reader.GetString(0)] = reader.GetString(1);
        return new StateSnapshot(etags);
    }

    /// <summary>Reads until two reads a second apart agree (the shop has gone quiet), within <paramref name="limit"/>.</summary>
    public static async Task<StateSnapshot> ReadQuietAsync(string database, TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var last = Read(database);
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var next = Read(database);
            if (next.Differences(last).Count == 0 || clock.Elapsed > limit)
                return next;
            last = next;
        }
    }

    /// <summary>Keys added, removed or rewritten since <paramref name="before"/>.</summary>
    public List<string> Differences(StateSnapshot before)
    {
        var changed = ETags.Where(kv => !before.ETags.TryGetValue(kv.Key, out var etag) || etag != kv.Value).Select(kv => $"{kv.Key} (written)");
        var removed = before.ETags.Keys.Where(k => !ETags.ContainsKey(k)).Select(k => $"{k} (deleted)");
        return [.. changed.Concat(removed)];
    }
}
