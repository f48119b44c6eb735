using System.Collections.Concurrent;
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
        var session = _readers.TryTake(out var idle) ? idle : await Session.OpenAsync(this, cancellationToken);
        try
        {
            var entry = await session.ReadAsync(key, withValue: true, Format(_time.GetUtcNow()), cancellationToken);
            _readers.Add(session);
            return entry;
        }
        catch
        {
            session.Dispose(); // a session that failed is not reused
            throw;
        }
    }

    public async Task TransactAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            _writer ??= await Session.OpenAsync(this, cancellationToken);
            try
            {
                await _writer.TransactAsync(operations, _time.GetUtcNow(), cancellationToken);
            }
            catch (Exception e) when (e is not (ETagMismatchException or StateRequestException))
            {
                _writer.Dispose(); // a session that failed is not reused
                _writer = null;
                throw;
            }
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

    /// <summary>
    /// One open connection with its statements prepared once: a read (with or without the value), an upsert and a delete.
    /// Reads take an idle session from a pool and give it back; writes (one at a time) use one session of their own.
    /// Preparing the SQL of every operation anew cost the dev sidecar a few percent of its CPU under load.
    /// </summary>
    private sealed class Session : IDisposable
    {
        private readonly SqliteConnection _db;
        private readonly SqliteCommand _read;
        private readonly SqliteCommand _readMeta;
        private readonly SqliteCommand _upsert;
        private readonly SqliteCommand _delete;

        private Session(SqliteConnection db, string table)
        {
            _db = db;
            _read = Command($"""
                SELECT value, is_binary, etag, expiration_time FROM {table}
                WHERE key = @key AND (expiration_time IS NULL OR expiration_time > @now)
                """, "@key", "@now");
            _readMeta = Command($"""
                SELECT NULL, 0, etag, expiration_time FROM {table}
                WHERE key = @key AND (expiration_time IS NULL OR expiration_time > @now)
                """, "@key", "@now");
            _upsert = Command($"""
                INSERT OR REPLACE INTO {table} (key, value, is_binary, etag, expiration_time, update_time)
                VALUES (@key, @value, @binary, @etag, @expires, @now)
                """, "@key", "@value", "@binary", "@etag", "@expires", "@now");
            _delete = Command($"DELETE FROM {table} WHERE key = @key", "@key");
        }

        private SqliteCommand Command(string sql, params string[] parameters)
        {
            var cmd = _db.CreateCommand();
            cmd.CommandText = sql;
            foreach (var name in parameters)
                cmd.Parameters.Add(new SqliteParameter { ParameterName = name });
            return cmd;
        }

        public static async Task<Session> OpenAsync(SqliteStateStore store, CancellationToken cancellationToken)
        {
            var db = await store.OpenAsync(cancellationToken);
            try
            {
                return new Session(db, store.Table);
            }
            catch
            {
                await db.DisposeAsync();
                throw;
            }
        }

        public async Task<StateEntry?> ReadAsync(string key, bool withValue, string now, CancellationToken cancellationToken)
        {
            var cmd = withValue ? _read : _readMeta;
            cmd.Parameters[0].Value = key;
            cmd.Parameters[1].Value = now;
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
                return null;
            var value = withValue ? Decode(reader.GetString(0), reader.GetBoolean(1)) : [];
            DateTimeOffset? expires = reader.IsDBNull(3) ? null : Parse(reader.GetString(3));
            return new StateEntry(key, value, reader.GetString(2), expires);
        }

        /// <summary>All or nothing in one immediate transaction: every operation's ETag rule is checked as it comes.</summary>
        public async Task TransactAsync(IReadOnlyList<StateOperation> operations, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var stamp = Format(now);
            await using var tx = (SqliteTransaction)await _db.BeginTransactionAsync(cancellationToken); // BEGIN IMMEDIATE
            SqliteCommand[] used = [_readMeta, _upsert, _delete];
            foreach (var cmd in used)
                cmd.Transaction = tx;
            try
            {
                await WriteAsync(operations, now, stamp, cancellationToken);
                await tx.CommitAsync(cancellationToken);
            }
            finally
            {
                foreach (var cmd in used)
                    cmd.Transaction = null;
            }
        }

        private async Task WriteAsync(IReadOnlyList<StateOperation> operations, DateTimeOffset now, string stamp, CancellationToken cancellationToken)
        {
            foreach (var op in operations)
            {
                StateRules.Check(op, await ReadAsync(op.Key, withValue: false, stamp, cancellationToken));
                SqliteCommand cmd;
                if (op is StateUpsert u)
                {
                    var (text, binary) = Encode(u.Value);
                    cmd = _upsert;
                    cmd.Parameters[1].Value = text;
                    cmd.Parameters[2].Value = binary;
                    cmd.Parameters[3].Value = StateRules.NewETag();
                    cmd.Parameters[4].Value = StateRules.ExpiresAt(u, now) is { } at ? Format(at) : DBNull.Value;
                    cmd.Parameters[5].Value = stamp;
                }
                else
                {
                    cmd = _delete;
                }
                cmd.Parameters[0].Value = op.Key;
                await cmd.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        public void Dispose()
        {
            foreach (var cmd in (SqliteCommand[])[_read, _readMeta, _upsert, _delete])
                cmd.Dispose();
            _db.Dispose();
        }
    }

    private readonly ConcurrentBag<Session> _readers = [];
    private Session? _writer;

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
        await _writeGate.WaitAsync();
        _writer?.Dispose();
        _writer = null;
        while (_readers.TryTake(out var reader))
            reader.Dispose();
        _writeGate.Release();
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
