using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.State;

/// <summary>
/// <c>state.sqlite</c>: the table layout of components-contrib's sqlite store (key, value, is_binary, etag,
/// expiration_time, update_time), WAL journaling, immediate transactions and a busy timeout so that several
/// logical sidecars (or processes) can write one file at once. Rules for ETags and TTL: <see cref="StateRules"/>.
/// </summary>
public sealed partial class SqliteStateStore : IStateStore, IStateStoreInfo, IAsyncDisposable
{
    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss.fff";

    private readonly SqliteStateOptions _options;
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly SqliteConnection? _keepAlive;
    private readonly Task _cleanup = Task.CompletedTask;

    public SqliteStateStore(ComponentContext context, TimeProvider time)
    {
        _options = SqliteStateOptions.Read(context);
        _connectionString = _options.BuildConnectionString();
        _time = time;
        _logger = (context.Services.GetService(typeof(ILoggerFactory)) as ILoggerFactory ?? NullLoggerFactory.Instance)
            .CreateLogger<SqliteStateStore>();
        KeyPrefix = context.Optional("keyPrefix") ?? "appid";
        IsActorStateStore = context.Bool("actorStateStore", false);
        try
        {
            if (_options.FilePath is { } file && !_options.ReadOnly)
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            if (_options.InMemory)
            {
                _keepAlive = new SqliteConnection(_connectionString);
                _keepAlive.Open();
            }
            Initialize();
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            _keepAlive?.Dispose();
            throw context.Invalid("connectionString", $"cannot open the SQLite database ({_options.FilePath ?? ":memory:"}): {e.Message}");
        }
        if (_options.CleanupInterval > TimeSpan.Zero && !_options.ReadOnly)
            _cleanup = CleanupLoopAsync(_stopping.Token);
    }

    public string KeyPrefix { get; }

    public bool IsActorStateStore { get; }

    private string Table => _options.TableName;

    public async Task<StateEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        return await ReadAsync(db, null, key, withValue: true, cancellationToken);
    }

    public async Task TransactAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await OpenAsync(cancellationToken);
            await using var tx = (SqliteTransaction)await db.BeginTransactionAsync(cancellationToken); // BEGIN IMMEDIATE
            var now = _time.GetUtcNow();
            foreach (var op in operations)
            {
                StateRules.Check(op, await ReadAsync(db, tx, op.Key, withValue: false, cancellationToken));
                await using var cmd = db.CreateCommand();
                cmd.Transaction = tx;
                cmd.Parameters.AddWithValue("@key", op.Key);
                if (op is StateUpsert u)
                {
                    var (text, binary) = Encode(u.Value);
                    cmd.CommandText = $"""
                        INSERT OR REPLACE INTO {Table} (key, value, is_binary, etag, expiration_time, update_time)
                        VALUES (@key, @value, @binary, @etag, @expires, @now)
                        """;
                    cmd.Parameters.AddWithValue("@value", text);
                    cmd.Parameters.AddWithValue("@binary", binary);
                    cmd.Parameters.AddWithValue("@etag", StateRules.NewETag());
                    cmd.Parameters.AddWithValue("@expires", StateRules.ExpiresAt(u, now) is { } at ? Format(at) : DBNull.Value);
                    cmd.Parameters.AddWithValue("@now", Format(now));
                }
                else
                {
                    cmd.CommandText = $"DELETE FROM {Table} WHERE key = @key";
                }
                await cmd.ExecuteNonQueryAsync(cancellationToken);
            }
            await tx.CommitAsync(cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Deletes expired rows now; the cleanup loop calls this every <c>cleanupInterval</c>.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await OpenAsync(cancellationToken);
            await using var cmd = db.CreateCommand();
            cmd.CommandText = $"DELETE FROM {Table} WHERE expiration_time IS NOT NULL AND expiration_time <= @now";
            cmd.Parameters.AddWithValue("@now", Format(_time.GetUtcNow()));
            return await cmd.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<StateEntry?> ReadAsync(SqliteConnection db, SqliteTransaction? tx, string key, bool withValue, CancellationToken cancellationToken)
    {
        await using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"""
            SELECT {(withValue ? "value, is_binary" : "NULL, 0")}, etag, expiration_time FROM {Table}
            WHERE key = @key AND (expiration_time IS NULL OR expiration_time > @now)
            """;
        cmd.Parameters.AddWithValue("@key", key);
        cmd.Parameters.AddWithValue("@now", Format(_time.GetUtcNow()));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        var value = withValue ? Decode(reader.GetString(0), reader.GetBoolean(1)) : [];
        DateTimeOffset? expires = reader.IsDBNull(3) ? null : Parse(reader.GetString(3));
        return new StateEntry(key, value, reader.GetString(2), expires);
    }

    private void Initialize()
    {
        using var db = new SqliteConnection(_connectionString);
        db.Open();
        using var cmd = db.CreateCommand();
        var journal = _options.InMemory || _options.ReadOnly ? "" : _options.DisableWal ? "PRAGMA journal_mode = DELETE;" : "PRAGMA journal_mode = WAL;";
        cmd.CommandText = _options.ReadOnly ? SetBusyTimeout() : $"""
            {SetBusyTimeout()}
            {journal}
            CREATE TABLE IF NOT EXISTS {_options.MetadataTableName} (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS {Table} (
                key TEXT NOT NULL PRIMARY KEY,
                value TEXT NOT NULL,
                is_binary BOOLEAN NOT NULL,
                etag TEXT NOT NULL,
                expiration_time TIMESTAMP DEFAULT NULL,
                update_time TIMESTAMP NOT NULL);
            CREATE INDEX IF NOT EXISTS {Table}_expiration_time ON {Table} (expiration_time);
            """;
        cmd.ExecuteNonQuery();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var db = new SqliteConnection(_connectionString);
        await db.OpenAsync(cancellationToken);
        // The pool hands back connections already set up: the PRAGMAs run once per SQLite connection (its handle), not
        // once per operation (they were a statement to prepare and run in front of every read and write).
        if (db.Handle is { } handle && _setUp.TryGetValue(handle, out _))
            return db;
        await using var cmd = db.CreateCommand();
        cmd.CommandText = SetBusyTimeout();
        await cmd.ExecuteNonQueryAsync(cancellationToken);
        if (db.Handle is { } opened)
            _setUp.AddOrUpdate(opened, SetUpMarker);
        return db;
    }

    private static readonly object SetUpMarker = new();
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _setUp = new();

    /// <summary>
    /// Per connection: the busy timeout, and in WAL mode synchronous=NORMAL (SQLite's advice for WAL: a commit survives
    /// the process dying; only an OS crash or power loss may roll back the last commits).
    /// </summary>
    private string SetBusyTimeout() =>
        $"PRAGMA busy_timeout = {(long)_options.BusyTimeout.TotalMilliseconds};" + (UsesWal ? " PRAGMA synchronous = NORMAL;" : "");

    private bool UsesWal => !_options.InMemory && !_options.ReadOnly && !_options.DisableWal;

    private async Task CleanupLoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_options.CleanupInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    var removed = await PurgeExpiredAsync(stopping);
                    LogPurged(removed, Table);
                }
                catch (SqliteException e)
                {
                    LogPurgeFailed(e, Table);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Disposed: the loop ends.
        }
    }

    /// <summary>Valid UTF-8 JSON is kept as text (readable in the table); anything else as base64, as contrib does.</summary>
    private static (string Text, bool Binary) Encode(byte[] value)
    {
        try
        {
            if (value.Length > 0)
            {
                var reader = new Utf8JsonReader(value);
                if (JsonDocument.TryParseValue(ref reader, out var doc) && reader.BytesConsumed == value.Length)
                {
                    doc.Dispose();
                    return (Encoding.UTF8.GetString(value), false);
                }
                doc?.Dispose();
            }
        }
        catch (JsonException)
        {
            // Not JSON: stored as base64 below.
        }
        return (Convert.ToBase64String(value), true);
    }

    private static byte[] Decode(string text, bool binary) => binary ? Convert.FromBase64String(text) : Encoding.UTF8.GetBytes(text);

    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _cleanup;
        if (_keepAlive is not null)
            await _keepAlive.DisposeAsync();
        using (var db = new SqliteConnection(_connectionString))
            SqliteConnection.ClearPool(db);
        _stopping.Dispose();
        _writeGate.Dispose();
    }

    [LoggerMessage(LogLevel.Debug, "state.sqlite: purged {Count} expired rows from {Table}")]
    private partial void LogPurged(int count, string table);

    [LoggerMessage(LogLevel.Warning, "state.sqlite: purging expired rows from {Table} failed")]
    private partial void LogPurgeFailed(Exception error, string table);
}
