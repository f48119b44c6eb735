using System.Collections.Concurrent;
using System.Text.Json;
using Dapr.Client.Autogen.Grpc.v1;

namespace ShopDapr.Testing;

/// <summary>
/// A hook on the wire between an app's real DaprClient and a real dev sidecar (<see cref="DevDapr.CreateClient(DaprWire)"/>),
/// for what the sidecar cannot be asked to do on demand: run a rival writer between an app's read and its write
/// (<see cref="BeforeWrite"/>), fail publishes as a broker that is down would (<see cref="FailPublishes"/>), and keep the
/// order in which the app sent its events (<see cref="Sent"/>: the in-memory broker delivers with several workers, so
/// the order a subscriber sees is not the order of publishing). Everything else goes to the sidecar unchanged.
/// </summary>
public sealed class DaprWire
{
    private int _transactions;

    /// <summary>Runs with (store, key) before each state write (a save or a transaction) reaches the sidecar.</summary>
    public Func<string, string, Task>? BeforeWrite { get; set; }

    /// <summary>
    /// While true, every publish fails before it reaches the sidecar, and so does every transaction on a store with an
    /// outbox (<see cref="OutboxStores"/>): the sidecar publishes an outbox's message before it commits and refuses the
    /// transaction when the broker does, so nothing is stored.
    /// </summary>
    public bool FailPublishes { get; set; }

    /// <summary>The stores whose transactions go through Dapr's outbox (the shop's user-behavior and order-events stores by default).</summary>
    public ISet<string> OutboxStores { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        ShopDapr.ServiceDefaults.ShopNames.Components.UserBehaviorStateStore,
        ShopDapr.ServiceDefaults.ShopNames.Components.OrderEventsStateStore,
    };

    /// <summary>Every publish the sidecar accepted, in the order the app sent it.</summary>
    public ConcurrentQueue<SentEvent> Sent { get; } = new();

    /// <summary>How many state transactions the sidecar committed.</summary>
    public int Transactions => Volatile.Read(ref _transactions);

    internal async Task<Func<HttpResponseMessage, bool, Task>?> BeforeAsync(string method, byte[] body)
    {
        // A gRPC message: 1 byte compressed flag, 4 bytes length, then the protobuf.
        var message = body.AsSpan(5);
        switch (method)
        {
            case "PublishEvent":
                if (FailPublishes)
                    throw new HttpRequestException("injected: the broker is down");
                var publish = PublishEventRequest.Parser.ParseFrom(message);
                return (_, ok) =>
                {
                    if (ok)
                        Sent.Enqueue(new SentEvent(publish.PubsubName, publish.Topic,
                            publish.Metadata.TryGetValue("cloudevent.type", out var type) ? type : "",
                            JsonDocument.Parse(publish.Data.Memory).RootElement.Clone(),
                            new Dictionary<string, string>(publish.Metadata)));
                    return Task.CompletedTask;
                };
            case "SaveState":
                var save = SaveStateRequest.Parser.ParseFrom(message);
                foreach (var state in save.States)
                    await (BeforeWrite?.Invoke(save.StoreName, state.Key) ?? Task.CompletedTask);
                return null;
            case "ExecuteStateTransaction":
                var transaction = ExecuteStateTransactionRequest.Parser.ParseFrom(message);
                if (FailPublishes && OutboxStores.Contains(transaction.StoreName))
                    throw new HttpRequestException("injected: the broker is down, so the sidecar's outbox refuses the transaction");
                foreach (var op in transaction.Operations)
                    await (BeforeWrite?.Invoke(transaction.StoreName, op.Request.Key) ?? Task.CompletedTask);
                return (_, ok) =>
                {
                    if (ok)
                        Interlocked.Increment(ref _transactions);
                    return Task.CompletedTask;
                };
            default:
                return null;
        }
    }
}

/// <summary>One event as the app handed it to the sidecar.</summary>
public sealed record SentEvent(string PubSub, string Topic, string Type, JsonElement Data, IReadOnlyDictionary<string, string> Metadata)
{
    public T As<T>() => Data.Deserialize<T>(PublishedEvents.Json) ?? throw new InvalidOperationException($"no {typeof(T).Name} in {Data}");
}
