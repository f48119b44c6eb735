using System.Collections.Concurrent;
using System.Text.Json;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using NSubstitute;

namespace ShopDapr.Testing;

/// <summary>
/// A <see cref="DaprClient"/> substitute (NSubstitute) with an in-memory state store that honours ETags and
/// first-write, a secret store and a record of published events — for the Dapr APIs the dev sidecar does not serve yet.
/// Call <see cref="UseState{T}"/> / <see cref="UseEvents{T}"/> for each type the app stores or publishes.
/// </summary>
public sealed class FakeDapr
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Lock _gate = new();
    private long _version;

    public FakeDapr()
    {
        Client.CheckHealthAsync(Arg.Any<CancellationToken>()).Returns(true);
        Client.GetSecretAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(ci => Secrets.TryGetValue(ci.ArgAt<string>(1), out var value)
                ? Task.FromResult(new Dictionary<string, string> { [ci.ArgAt<string>(1)] = value })
                : Task.FromException<Dictionary<string, string>>(new DaprException("secret not found", new RpcException(new Status(StatusCode.NotFound, "not found")))));
        Client.DeleteStateAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<StateOptions>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(ci =>
            {
                State.TryRemove(Key(ci.ArgAt<string>(0), ci.ArgAt<string>(1)), out _);
                return Task.CompletedTask;
            });
        Client.GetBulkStateAsync(Arg.Any<string>(), Arg.Any<IReadOnlyList<string>>(), Arg.Any<int?>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(ci => Task.FromResult<IReadOnlyList<BulkStateItem>>([.. ci.ArgAt<IReadOnlyList<string>>(1).Select(key =>
                State.TryGetValue(Key(ci.ArgAt<string>(0), key), out var entry) ? new BulkStateItem(key, entry.Json, entry.ETag) : new BulkStateItem(key, "", ""))]));
        Client.ExecuteStateTransactionAsync(Arg.Any<string>(), Arg.Any<IReadOnlyList<StateTransactionRequest>>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(ci => Transact(ci.ArgAt<string>(0), ci.ArgAt<IReadOnlyList<StateTransactionRequest>>(1))
                ? Task.CompletedTask
                : Task.FromException(new DaprException("error while executing state transaction: possible etag mismatch",
                    new RpcException(new Status(StatusCode.Aborted, "etag mismatch")))));
    }

    /// <summary>How many state transactions were committed.</summary>
    public int Transactions { get; private set; }

    public DaprClient Client { get; } = Substitute.For<DaprClient>();

    /// <summary>"store||key" → (JSON, ETag).</summary>
    public ConcurrentDictionary<string, (string Json, string ETag)> State { get; } = new();

    public ConcurrentDictionary<string, string> Secrets { get; } = new();

    public ConcurrentQueue<(string PubSub, string Topic, object Data)> Published { get; } = new();

    /// <summary>
    /// Events committed through a store's transactional outbox (an <c>outbox.projection</c> upsert): the store, the key,
    /// the CloudEvent type (the stored upsert's <c>type</c> metadata) and the event's JSON. Projections are not stored.
    /// </summary>
    public ConcurrentQueue<(string Store, string Key, string? Type, string Json)> Outboxed { get; } = new();

    /// <summary>
    /// The broker refuses messages: a publish fails, and so does a state transaction carrying an outbox projection (the
    /// sidecar's outbox publishes before it commits, so nothing is stored).
    /// </summary>
    public bool BrokerDown { get; set; }

    /// <summary>Runs before every write; a test can make writes fail or interleave a concurrent writer.</summary>
    public Action<string>? BeforeWrite { get; set; }

    public IReadOnlyDictionary<string, (string Json, string ETag)> Snapshot() => new Dictionary<string, (string, string)>(State);

    public FakeDapr UseState<T>()
    {
        Client.GetStateAsync<T>(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<ConsistencyMode?>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(ci => Task.FromResult(Read<T>(ci.ArgAt<string>(0), ci.ArgAt<string>(1)).Value));
        Client.GetStateAndETagAsync<T>(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<ConsistencyMode?>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(ci => Task.FromResult(Read<T>(ci.ArgAt<string>(0), ci.ArgAt<string>(1))));
        Client.SaveStateAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<T>(), Arg.Any<StateOptions>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(ci =>
            {
                var saved = Write(ci.ArgAt<string>(0), ci.ArgAt<string>(1), ci.ArgAt<T>(2), null, ci.ArgAt<StateOptions?>(3));
                return saved ? Task.CompletedTask : Task.FromException(new DaprException("possible etag mismatch", new RpcException(new Status(StatusCode.Aborted, "etag mismatch"))));
            });
        Client.TrySaveStateAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<T>(), Arg.Any<string>(), Arg.Any<StateOptions>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(ci => Task.FromResult(Write(ci.ArgAt<string>(0), ci.ArgAt<string>(1), ci.ArgAt<T>(2), ci.ArgAt<string>(3), ci.ArgAt<StateOptions?>(4))));
        return this;
    }

    public FakeDapr UseEvents<T>()
    {
        Client.PublishEventAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<T>(), Arg.Any<CancellationToken>())
            .Returns(ci =>
            {
                if (BrokerDown)
                    return Task.FromException(new DaprException("error when publishing: broker down", new RpcException(new Status(StatusCode.Internal, "broker down"))));
                Published.Enqueue((ci.ArgAt<string>(0), ci.ArgAt<string>(1), ci.ArgAt<T>(2)!));
                return Task.CompletedTask;
            });
        return this;
    }

    public T? Get<T>(string key, string store = "statestore") => Read<T>(store, key).Value;

    private (T Value, string ETag) Read<T>(string store, string key) =>
        State.TryGetValue(Key(store, key), out var entry)
            ? (JsonSerializer.Deserialize<T>(entry.Json, Json)!, entry.ETag)
            : (default!, "");

    /// <summary>daprd's rules: an ETag must match; no ETag with first-write inserts only when absent; else last write wins.</summary>
    private bool Write<T>(string store, string key, T value, string? etag, StateOptions? options)
    {
        var k = Key(store, key);
        BeforeWrite?.Invoke(k);
        lock (_gate)
        {
            var exists = State.TryGetValue(k, out var current);
            if (!string.IsNullOrEmpty(etag) && (!exists || current.ETag != etag))
                return false;
            if (string.IsNullOrEmpty(etag) && options?.Concurrency == ConcurrencyMode.FirstWrite && exists)
                return false;
            State[k] = (JsonSerializer.Serialize(value, Json), (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return true;
        }
    }

    /// <summary>All or nothing: every operation's ETag (or first-write) rule must hold, then every one is applied.</summary>
    private bool Transact(string store, IReadOnlyList<StateTransactionRequest> operations)
    {
        foreach (var op in operations)
            BeforeWrite?.Invoke(Key(store, op.Key));
        if (BrokerDown && operations.Any(IsProjection))
            throw new DaprException("error while publishing outbox message: broker down", new RpcException(new Status(StatusCode.Internal, "broker down")));
        lock (_gate)
        {
            foreach (var op in operations.Where(o => !IsProjection(o)))
            {
                var exists = State.TryGetValue(Key(store, op.Key), out var current);
                if (!string.IsNullOrEmpty(op.ETag) && (!exists || current.ETag != op.ETag))
                    return false;
                if (string.IsNullOrEmpty(op.ETag) && op.Options?.Concurrency == ConcurrencyMode.FirstWrite && exists && op.OperationType == StateOperationType.Upsert)
                    return false;
            }
            foreach (var op in operations)
            {
                if (IsProjection(op))
                {
                    var stored = operations.FirstOrDefault(o => o.Key == op.Key && !IsProjection(o));
                    Outboxed.Enqueue((store, op.Key, stored?.Metadata?.GetValueOrDefault("type"), System.Text.Encoding.UTF8.GetString(op.Value ?? [])));
                    continue;
                }
                if (op.OperationType == StateOperationType.Delete)
                    State.TryRemove(Key(store, op.Key), out _);
                else
                    State[Key(store, op.Key)] = (System.Text.Encoding.UTF8.GetString(op.Value ?? []), (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            Transactions++;
            return true;
        }
    }

    private static bool IsProjection(StateTransactionRequest op) => op.Metadata?.GetValueOrDefault("outbox.projection") == "true";

    private static string Key(string store, string key) => $"{store}||{key}";
}
