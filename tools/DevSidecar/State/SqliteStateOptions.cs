using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.State;

/// <summary>
/// <c>state.sqlite</c> metadata as components-contrib reads it: <c>connectionString</c> (alias <c>url</c>; a file path,
/// a <c>file:</c> URI or <c>:memory:</c>), <c>timeout</c> (20s, at least 1s), <c>busyTimeout</c> (2s), <c>disableWAL</c>,
/// <c>tableName</c> (state), <c>metadataTableName</c> (metadata), <c>cleanupInterval</c> (0s: no periodic purge).
/// </summary>
public sealed partial record SqliteStateOptions
{
    public required string ConnectionString { get; init; }

    /// <summary>The full path of the database file; null for an in-memory database.</summary>
    public string? FilePath { get; init; }

    public bool InMemory => FilePath is null;

    public bool ReadOnly { get; init; }

    public TimeSpan Timeout { get; init; }

    public TimeSpan BusyTimeout { get; init; }

    public bool DisableWal { get; init; }

    public string TableName { get; init; } = "state";

    public string MetadataTableName { get; init; } = "metadata";

    public TimeSpan CleanupInterval { get; init; }

    [GeneratedRegex("^[A-Za-z0-9_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();

    public static SqliteStateOptions Read(ComponentContext c)
    {
        var raw = c.Optional("connectionString") ?? c.Optional("url") ?? c.Required("connectionString");
        var timeout = Seconds(c, "timeoutInSeconds") ?? c.Duration("timeout", TimeSpan.FromSeconds(20));
        if (timeout < TimeSpan.FromSeconds(1))
            throw c.Invalid("timeout", "invalid value for 'timeout': must be greater than 1s");
        var options = Parse(c, raw) with
        {
            Timeout = timeout,
            BusyTimeout = c.Duration("busyTimeout", TimeSpan.FromSeconds(2)),
            DisableWal = c.Bool("disableWAL", false),
            TableName = Name(c, "tableName", "state"),
            MetadataTableName = Name(c, "metadataTableName", "metadata"),
            CleanupInterval = Seconds(c, "cleanupIntervalInSeconds") ?? c.Duration("cleanupInterval", TimeSpan.Zero),
        };
        return options;
    }

    private static string Name(ComponentContext c, string field, string fallback)
    {
        var v = c.Optional(field) ?? fallback;
        return Identifier().IsMatch(v) ? v : throw c.Invalid(field, $"invalid identifier: {v}");
    }

    private static TimeSpan? Seconds(ComponentContext c, string field) =>
        c.Optional(field) is null ? null : TimeSpan.FromSeconds(c.Int(field, 0));

    /// <summary>Reads the path and the query options SQLite itself understands (<c>mode</c>); the Go driver's own options are ignored.</summary>
    private static SqliteStateOptions Parse(ComponentContext c, string raw)
    {
        var lower = raw.ToLowerInvariant();
        if (lower.StartsWith(":memory:", StringComparison.Ordinal) || lower.StartsWith("file::memory:", StringComparison.Ordinal))
        {
            // One private shared-cache database per component instance, alive while the store holds a connection.
            var name = $"devsidecar-{c.Name}-{Guid.NewGuid():N}";
            return new SqliteStateOptions
            {
                ConnectionString = new SqliteConnectionStringBuilder { DataSource = name, Mode = SqliteOpenMode.Memory, Cache = SqliteCacheMode.Shared }.ToString(),
            };
        }

        var text = lower.StartsWith("file:", StringComparison.Ordinal) ? raw[5..] : raw;
        var query = "";
        var q = text.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = text[(q + 1)..];
            text = text[..q];
        }
        var mode = SqliteOpenMode.ReadWriteCreate;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.IndexOf('=', StringComparison.Ordinal) is var i and >= 0
                ? (Uri.UnescapeDataString(pair[..i]), Uri.UnescapeDataString(pair[(i + 1)..]))
                : (Uri.UnescapeDataString(pair), "");
            if (key == "mode")
            {
                mode = value switch
                {
                    "ro" => SqliteOpenMode.ReadOnly,
                    "rw" => SqliteOpenMode.ReadWrite,
                    "rwc" => SqliteOpenMode.ReadWriteCreate,
                    _ => throw c.Invalid("connectionString", $"unsupported mode '{value}' (use ro, rw or rwc)"),
                };
            }
            else if (key == "_pragma" && (value.StartsWith("busy_timeout", StringComparison.OrdinalIgnoreCase)
                         || value.StartsWith("journal_mode", StringComparison.OrdinalIgnoreCase)
                         || value.StartsWith("foreign_keys", StringComparison.OrdinalIgnoreCase)))
            {
                throw c.Invalid("connectionString", $"found forbidden option '_pragma={value}' in the connection string; use the busyTimeout / disableWAL metadata instead");
            }
        }
        var path = Uri.UnescapeDataString(text);
        if (string.IsNullOrWhiteSpace(path))
            throw c.Invalid("connectionString", "names no database file");

        // A relative path resolves against the sidecar's working directory, as daprd's (and the Go SQLite driver's) does.
        var full = c.FullPath(path);
        return new SqliteStateOptions
        {
            FilePath = full,
            ReadOnly = mode == SqliteOpenMode.ReadOnly,
            ConnectionString = new SqliteConnectionStringBuilder { DataSource = full, Mode = mode, Pooling = true }.ToString(),
        };
    }

    public string BuildConnectionString() =>
        new SqliteConnectionStringBuilder(ConnectionString) { DefaultTimeout = (int)Math.Ceiling(Timeout.TotalSeconds) }.ToString();
}
