using System.Globalization;
using ShopDapr.DevSidecar.Components;
using StackExchange.Redis;

namespace ShopDapr.DevSidecar.State;

/// <summary>
/// <c>state.redis</c> in components-contrib's layout, so daprd and the dev sidecar can share a Redis: each key is a hash
/// with fields <c>data</c> (the value's bytes) and <c>version</c>, and the ETag is that version number (1, 2, 3 … one more
/// on every write). A write's TTL is the key's own expiry (<c>ttlInSeconds</c> per request, else the component's
/// <c>ttlInSeconds</c>). Every write — one key or a transaction — is one Lua script: it checks every ETag and first-write
/// rule against the state as the earlier operations leave it, then applies all of them, so a transaction is all or
/// nothing (contrib's MULTI/EXEC pipeline applies the operations before a failing one).
/// </summary>
public sealed class RedisStateStore : IStateStore, IStateStoreInfo, IAsyncDisposable
{
    public static readonly string[] Fields =
    [
        .. RedisSettings.CommonFields, "ttlInSeconds", "queryIndexes", "keyPrefix", "actorStateStore",
        "outboxPublishPubsub", "outboxPublishTopic", "outboxPubsub", "outboxDiscardWhenMissingState",
    ];

    // ARGV per operation, 5 each: op ('s' upsert, 'd' delete), etag ('' none), first-write ('1'/'0'), data, ttl in ms ('' none).
    private const string TransactScript = """
        local versions = {}
        local function version(k)
          if versions[k] == nil then
            if redis.call('TYPE', k).ok == 'hash' then
              versions[k] = redis.call('HGET', k, 'version') or false
            else
              versions[k] = false
            end
          end
          return versions[k]
        end
        for i = 1, #KEYS do
          local b, k = (i - 1) * 5, KEYS[i]
          local op, etag, fw = ARGV[b + 1], ARGV[b + 2], ARGV[b + 3]
          local v = version(k)
          if etag ~= '' then
            if not v or v ~= etag then return {'mismatch', k} end
          elseif fw == '1' and op == 's' and v then
            return {'mismatch', k}
          end
          if op == 's' then versions[k] = tostring((tonumber(v) or 0) + 1) else versions[k] = false end
        end
        for i = 1, #KEYS do
          local b, k = (i - 1) * 5, KEYS[i]
          if ARGV[b + 1] == 's' then
            if redis.call('TYPE', k).ok ~= 'hash' then redis.call('DEL', k) end
            redis.call('HSET', k, 'data', ARGV[b + 4])
            redis.call('HINCRBY', k, 'version', 1)
            if ARGV[b + 5] ~= '' then redis.call('PEXPIRE', k, ARGV[b + 5]) else redis.call('PERSIST', k) end
          else
            redis.call('DEL', k)
          end
        end
        return {'ok'}
        """;

    private const string GetScript = """
        if redis.call('TYPE', KEYS[1]).ok ~= 'hash' then return nil end
        local t = redis.call('HMGET', KEYS[1], 'data', 'version')
        if not t[2] then return nil end
        return {t[1] or '', t[2], redis.call('PTTL', KEYS[1])}
        """;

    private readonly ConnectionMultiplexer _redis;
    private readonly IDatabase _db;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _defaultTtl;

    public RedisStateStore(ComponentContext context, TimeProvider time)
    {
        context.RejectUnknown(Fields);
        if (context.Optional("queryIndexes") is not null)
            throw context.Invalid("queryIndexes", "the state query API is not supported by the dev sidecar");
        var settings = RedisSettings.Read(context);
        var ttl = context.Int("ttlInSeconds", -1);
        _defaultTtl = ttl > 0 ? TimeSpan.FromSeconds(ttl) : null;
        KeyPrefix = context.Optional("keyPrefix") ?? "appid";
        IsActorStateStore = context.Bool("actorStateStore", false);
        _time = time;
        _redis = settings.Connect(context);
        _db = _redis.GetDatabase(settings.Options.DefaultDatabase ?? 0);
    }

    public string KeyPrefix { get; }

    public bool IsActorStateStore { get; }

    public async Task<StateEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var result = await _db.ScriptEvaluateAsync(GetScript, [key]).WaitAsync(cancellationToken);
        if (result.IsNull)
            return null;
        var parts = (RedisResult[])result!;
        var pttl = (long)parts[2];
        DateTimeOffset? expires = pttl > 0 ? _time.GetUtcNow() + TimeSpan.FromMilliseconds(pttl) : null;
        return new StateEntry(key, (byte[])parts[0]! ?? [], (string)parts[1]!, expires);
    }

    public async Task TransactAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        if (operations.Count == 0)
            return;
        var keys = new RedisKey[operations.Count];
        var args = new RedisValue[operations.Count * 5];
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            keys[i] = op.Key;
            var b = i * 5;
            args[b] = op is StateUpsert ? "s" : "d";
            args[b + 1] = op.ETag ?? "";
            args[b + 2] = op.Concurrency == Concurrency.FirstWrite ? "1" : "0";
            args[b + 3] = op is StateUpsert u ? u.Value : RedisValue.EmptyString;
            args[b + 4] = op is StateUpsert { } w && (w.Ttl ?? _defaultTtl) is { } ttl
                ? ((long)ttl.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)
                : "";
            // contrib parses a write's ETag as a number: anything else is not of this store's format.
            if (op is StateUpsert && op.ETag is { } etag && !long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                throw new ETagInvalidException(op.Key);
        }
        var result = (RedisResult[])(await _db.ScriptEvaluateAsync(TransactScript, keys, args).WaitAsync(cancellationToken))!;
        if ((string?)result[0] == "mismatch")
            throw new ETagMismatchException((string)result[1]!);
    }

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();
}
