using System.Text.Json;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using NSubstitute;
using NSubstitute.Core;
using ShopDapr.Catalog.Data;
using ShopDapr.Catalog.Domain;

namespace ShopDapr.Catalog.Tests.Functional;

/// <summary>
/// An NSubstitute <see cref="DaprClient"/> backed by an in-memory state store with Dapr's ETag rules
/// (values round-trip through JSON as with a real sidecar; a write with a stale ETag fails) and a record of
/// every published event.
/// </summary>
public sealed class FakeDapr
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<string, (string Json, int Version)> _state = [];
    private readonly Lock _lock = new();

    public FakeDapr()
    {
        Wire<Product>();
        Wire<List<Guid>>();
        Wire<DemoSeedMarker>();
        Wire<StockAvailability>();
        Client.TryDeleteStateAsync(default!, default!, default!, default, default, default)
            .ReturnsForAnyArgs(c => Task.FromResult(TryDelete(c.ArgAt<string>(1), c.ArgAt<string>(2))));
        Client.JsonSerializerOptions.Returns(Json);
        Client.ExecuteStateTransactionAsync(default!, default!, default, default)
            .ReturnsForAnyArgs(c =>
            {
                foreach (var op in c.ArgAt<IReadOnlyList<StateTransactionRequest>>(1).Where(o => o.OperationType == StateOperationType.Upsert))
                    Put(op.Key, JsonSerializer.Deserialize<JsonElement>(op.Value, Json), etag: null);
                return Task.CompletedTask;
            });
    }

    public DaprClient Client { get; } = Substitute.For<DaprClient>();

    /// <summary>Every event published so far: (topic, CloudEvent type, data).</summary>
    public IReadOnlyList<(string Topic, string Type, object Data)> Published =>
        Client.ReceivedCalls()
            .Where(c => c.GetMethodInfo().Name == nameof(DaprClient.PublishEventAsync) && c.GetArguments().Length == 5)
            .Select(c => c.GetArguments())
            .Select(a => ((string)a[1]!, ((Dictionary<string, string>)a[3]!)["cloudevent.type"], a[2]!))
            .ToList();

    public int Keys
    {
        get
        {
            lock (_lock)
                return _state.Count;
        }
    }

    public T? Read<T>(string key)
    {
        lock (_lock)
            return _state.TryGetValue(key, out var entry) ? JsonSerializer.Deserialize<T>(entry.Json, Json) : default;
    }

    /// <summary>Runs (outside the store's lock) before every conditional write, with the key: lets a test interleave a rival writer.</summary>
    public Action<string>? BeforeConditionalWrite { get; set; }

    /// <summary>Writes a value as another replica (or another tool) would: straight to the store.</summary>
    public void Write<T>(string key, T value) => TryPut(key, value, etag: null);

    private void Wire<T>()
    {
        Client.GetStateAndETagAsync<T>(default!, default!, default, default, default)
            .ReturnsForAnyArgs(c => Task.FromResult<(T, string)>(Get<T>(c.ArgAt<string>(1))!));
        Client.GetStateAsync<T>(default!, default!, default, default, default)
            .ReturnsForAnyArgs(c => Task.FromResult(Get<T>(c.ArgAt<string>(1)).Value!));
        Client.GetBulkStateAsync<T>(default!, default!, default, default, default)
            .ReturnsForAnyArgs(c => Task.FromResult<IReadOnlyList<BulkStateItem<T>>>(c.ArgAt<IReadOnlyList<string>>(1)
                .Select(k => (Key: k, Entry: Get<T>(k)))
                .Select(e => new BulkStateItem<T>(e.Key, e.Entry.Value!, e.Entry.ETag))
                .ToList()));
        Client.SaveStateAsync<T>(default!, default!, default!, default, default, default)
            .ReturnsForAnyArgs(c => c.ArgAt<StateOptions?>(3)?.Concurrency == ConcurrencyMode.FirstWrite
                ? (TryPut(c.ArgAt<string>(1), c.ArgAt<T>(2), etag: null, firstWrite: true)
                    ? Task.CompletedTask
                    : Task.FromException(new DaprException("failed saving state", new RpcException(new Status(StatusCode.Aborted, "etag mismatch")))))
                : Put(c.ArgAt<string>(1), c.ArgAt<T>(2), etag: null));
        Client.TrySaveStateAsync<T>(default!, default!, default!, default!, default, default, default)
            .ReturnsForAnyArgs(c => Task.FromResult(TryPut(c.ArgAt<string>(1), c.ArgAt<T>(2), c.ArgAt<string>(3))));
        Client.SaveBulkStateAsync<T>(default!, default!, default)
            .ReturnsForAnyArgs(c =>
            {
                foreach (var item in c.ArgAt<IReadOnlyList<SaveStateItem<T>>>(1))
                    Put(item.Key, item.Value, etag: null);
                return Task.CompletedTask;
            });
    }

    private (T? Value, string ETag) Get<T>(string key)
    {
        lock (_lock)
            return _state.TryGetValue(key, out var entry)
                ? (JsonSerializer.Deserialize<T>(entry.Json, Json), entry.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))
                : (default, "");
    }

    private Task Put<T>(string key, T value, string? etag)
    {
        TryPut(key, value, etag);
        return Task.CompletedTask;
    }

    private bool TryPut<T>(string key, T value, string? etag, bool firstWrite = false)
    {
        if (etag is not null || firstWrite)
            BeforeConditionalWrite?.Invoke(key);
        lock (_lock)
        {
            var exists = _state.TryGetValue(key, out var entry);
            if (firstWrite && etag is null && exists)
                return false;
            if (etag is not null && (!exists || entry.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) != etag))
                return false;
            _state[key] = (JsonSerializer.Serialize(value, Json), exists ? entry.Version + 1 : 1);
            return true;
        }
    }

    private bool TryDelete(string key, string etag)
    {
        lock (_lock)
        {
            if (!_state.TryGetValue(key, out var entry) || entry.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) != etag)
                return false;
            _state.Remove(key);
            return true;
        }
    }
}
