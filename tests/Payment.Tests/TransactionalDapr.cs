using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using NSubstitute;
using ShopDapr.Contracts.Payment;
using ShopDapr.Payment.Domain;

namespace ShopDapr.Payment.Tests;

/// <summary>
/// A <see cref="DaprClient"/> substitute whose state store keeps daprd's rules — ETags, first-write inserts, and
/// all-or-nothing transactions (any ETag failing fails the whole transaction) — and records published events.
/// </summary>
public sealed class TransactionalDapr
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Json, string ETag)> _state = new(StringComparer.Ordinal);
    private long _version;
    private int _publishFailures;

    public TransactionalDapr()
    {
        Client.CheckHealthAsync(Arg.Any<CancellationToken>()).Returns(true);
        UseState<PaymentRecord?>().UseState<PaymentLedger?>().UseState<PaymentRecord>().UseState<ShopDapr.Payment.Infrastructure.VaultEntry?>();
        UseEvents<PaymentCharged>().UseEvents<PaymentRefunded>().UseEvents<PaymentDeclined>();
        Client.TryDeleteStateAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<string>(), Arg.Any<StateOptions>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(ci =>
            {
                lock (_gate)
                {
                    var key = ci.ArgAt<string>(1);
                    if (!_state.TryGetValue(key, out var current) || current.ETag != ci.ArgAt<string>(2))
                        return Task.FromResult(false);
                    _state.Remove(key);
                    return Task.FromResult(true);
                }
            });
        Client.ExecuteStateTransactionAsync(Arg.Any<string>(), Arg.Any<IReadOnlyList<StateTransactionRequest>>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(ci =>
            {
                Transactions++;
                BeforeTransaction?.Invoke();
                var operations = ci.ArgAt<IReadOnlyList<StateTransactionRequest>>(1);
                lock (_gate)
                {
                    if (operations.Any(o => !Allowed(o.Key, o.ETag, o.Options)))
                        return Task.FromException(new DaprException("error while executing state transaction: possible etag mismatch",
                            new RpcException(new Status(StatusCode.Internal, "etag mismatch"))));
                    foreach (var o in operations)
                    {
                        if (o.OperationType == StateOperationType.Delete)
                            _state.Remove(o.Key);
                        else
                            _state[o.Key] = (Encoding.UTF8.GetString(o.Value ?? []), NextETag());
                    }
                }
                return Task.CompletedTask;
            });
    }

    public DaprClient Client { get; } = Substitute.For<DaprClient>();

    public ConcurrentQueue<(string PubSub, string Topic, object Data, IReadOnlyDictionary<string, string> Metadata)> Published { get; } = new();

    /// <summary>Runs before each transaction is applied (a test may interleave another writer).</summary>
    public Action? BeforeTransaction { get; set; }

    public int Transactions { get; private set; }

    /// <summary>The next <paramref name="count"/> publishes fail as daprd fails them when the broker is down.</summary>
    public void FailNextPublishes(int count) => Volatile.Write(ref _publishFailures, count);

    /// <summary>Awaited before each single-key save is applied (a test may hold writers at a barrier without blocking threads).</summary>
    public Func<string, Task>? BeforeSave { get; set; }

    public IReadOnlyDictionary<string, string> Snapshot()
    {
        lock (_gate)
            return _state.ToDictionary(e => e.Key, e => e.Value.Json);
    }

    public T? Get<T>(string key)
    {
        lock (_gate)
            return _state.TryGetValue(key, out var entry) ? JsonSerializer.Deserialize<T>(entry.Json, JsonSerializerOptions.Web) : default;
    }

    /// <summary>Another writer changes <paramref name="key"/> (its ETag moves on).</summary>
    public void Touch(string key)
    {
        lock (_gate)
            if (_state.TryGetValue(key, out var entry))
                _state[key] = (entry.Json, NextETag());
    }

    private TransactionalDapr UseState<T>()
    {
        Client.GetStateAndETagAsync<T>(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<ConsistencyMode?>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(ci => Task.FromResult(Read<T>(ci.ArgAt<string>(1))));
        Client.GetStateAsync<T>(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<ConsistencyMode?>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(ci => Task.FromResult(Read<T>(ci.ArgAt<string>(1)).Value));
        Client.TrySaveStateAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<T>(), Arg.Any<string>(), Arg.Any<StateOptions>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(async ci =>
            {
                var key = ci.ArgAt<string>(1);
                if (BeforeSave is { } before)
                    await before(key);
                lock (_gate)
                {
                    if (!Allowed(key, ci.ArgAt<string>(3), ci.ArgAt<StateOptions?>(4)))
                        return false;
                    _state[key] = (JsonSerializer.Serialize(ci.ArgAt<T>(2), JsonSerializerOptions.Web), NextETag());
                    return true;
                }
            });
        return this;
    }

    private TransactionalDapr UseEvents<T>()
    {
        Client.PublishEventAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<T>(), Arg.Any<Dictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(ci =>
            {
                if (Interlocked.Decrement(ref _publishFailures) >= 0)
                    return Task.FromException(new DaprException("error when publish to topic order-events",
                        new RpcException(new Status(StatusCode.Internal, "pubsub down"))));
                Published.Enqueue((ci.ArgAt<string>(0), ci.ArgAt<string>(1), ci.ArgAt<T>(2)!, ci.ArgAt<Dictionary<string, string>>(3)));
                return Task.CompletedTask;
            });
        return this;
    }

    private (T Value, string ETag) Read<T>(string key)
    {
        lock (_gate)
            return _state.TryGetValue(key, out var entry)
                ? (JsonSerializer.Deserialize<T>(entry.Json, JsonSerializerOptions.Web)!, entry.ETag)
                : (default!, "");
    }

    /// <summary>daprd's rules: an ETag must match; no ETag with first-write inserts only when absent; else last write wins.</summary>
    private bool Allowed(string key, string? etag, StateOptions? options)
    {
        var exists = _state.TryGetValue(key, out var current);
        if (!string.IsNullOrEmpty(etag))
            return exists && current.ETag == etag;
        return !(options?.Concurrency == ConcurrencyMode.FirstWrite && exists);
    }

    private string NextETag() => (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
