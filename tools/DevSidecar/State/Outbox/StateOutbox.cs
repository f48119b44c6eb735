using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.PubSub;

namespace ShopDapr.DevSidecar.State.Outbox;

/// <summary>
/// daprd's transactional outbox (dapr <c>pkg/runtime/pubsub/outbox.go</c>) for every store of this sidecar that has one.
/// Before an ExecuteStateTransaction commits, each upsert is published as a CloudEvent with id <c>outbox-{uuid}</c> to the
/// internal topic (<see cref="OutboxSettings.InternalTopic"/>) and a marker key of that id (not prefixed, value "0") joins the
/// transaction; a publish failure fails the transaction before anything is stored. The sidecar's own subscription to the
/// internal topic then publishes the event to the user topic only once the marker is in the store (so a transaction that
/// failed publishes nothing there), and deletes the marker. Deletes publish nothing. Delivery is at least once: the
/// event keeps its <c>outbox-</c> id on every redelivery, so subscribers can de-duplicate by it.
/// </summary>
public sealed class StateOutbox : IHostedService, IAsyncDisposable
{
    /// <summary>daprd waits this long before it first looks for the marker (defaultStateScanDelay).</summary>
    public static readonly TimeSpan StateScanDelay = TimeSpan.FromSeconds(1);

    private readonly SidecarContext _sidecar;
    private readonly Publisher _publisher;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, OutboxSettings> _stores = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _memberships = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<OutboxCommit>> _commits = new(StringComparer.Ordinal);

    /// <summary>Reads every store's outbox; a half-configured one throws <see cref="Resources.ResourceException"/>.</summary>
    public StateOutbox(SidecarContext sidecar, Publisher publisher, TimeProvider time, ILogger<StateOutbox> logger)
    {
        _sidecar = sidecar;
        _publisher = publisher;
        _time = time;
        _logger = logger;
        foreach (var (name, _) in sidecar.Components.OfType<IStateStore>())
        {
            if (OutboxSettings.Read(sidecar.Components.Resource(name)!, sidecar.Components) is { } settings)
                _stores[name] = settings;
        }
    }

    public bool TryGet(string store, out OutboxSettings settings) => _stores.TryGetValue(store, out settings!);

    /// <summary>
    /// daprd's PublishInternal: removes the projections, publishes one internal CloudEvent per upsert left (its payload
    /// the projection of the same key when there is one) and returns the operations to commit, markers included.
    /// </summary>
    public async Task<IReadOnlyList<StateOperation>> PublishInternalAsync(
        OutboxSettings settings, IReadOnlyList<TransactionItem> items, string? traceParent, string? traceState, CancellationToken cancellationToken)
    {
        var projections = new Dictionary<string, TransactionItem>(StringComparer.Ordinal);
        var kept = new List<TransactionItem>(items.Count);
        foreach (var item in items)
        {
            if (item.Operation is StateUpsert && IsProjection(item.Metadata))
                projections.TryAdd(item.Operation.Key, item); // the first projection of a key counts, later ones are ignored
            else
                kept.Add(item);
        }

        var (trace, state) = TraceContext.ForPublish(traceParent, traceState);
        var ops = kept.Select(i => i.Operation).ToList();
        if (!_sidecar.Components.TryGet<IPubSub>(settings.OutboxPubsub, out var outboxPubsub))
            throw OutboxError($"pubsub {settings.OutboxPubsub} is not found");
        foreach (var item in kept.Where(i => i.Operation is StateUpsert))
        {
            var id = $"outbox-{Guid.NewGuid()}";
            _commits[id] = new TaskCompletionSource<OutboxCommit>(TaskCreationOptions.RunContinuationsAsynchronously);
            var published = projections.GetValueOrDefault(item.Operation.Key) ?? item;
            var envelope = Envelope(id, settings.OutboxPubsub, published, item.Metadata, trace, state);
            try
            {
                await _publisher.SendAsync(settings.OutboxPubsub, outboxPubsub,
                    new PubSubMessage(settings.InternalTopic(_sidecar.AppId), JsonSerializer.SerializeToUtf8Bytes(envelope), EmptyMetadata), cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Settle(ops, OutboxCommit.Failed);
                throw OutboxError(e.Message);
            }
            catch
            {
                Settle(ops, OutboxCommit.Failed);
                throw;
            }
            ops.Add(new StateUpsert(id, "\"0\""u8.ToArray()));
        }
        return ops;
    }

    /// <summary>Tells this sidecar's relay how the transaction holding these markers ended (it still reads the store to be sure).</summary>
    public void Settle(IEnumerable<StateOperation> operations, OutboxCommit outcome)
    {
        foreach (var op in operations)
        {
            if (op is StateUpsert && _commits.TryRemove(op.Key, out var signal))
                signal.TrySetResult(outcome);
        }
    }

    /// <summary>
    /// Waits up to <paramref name="limit"/> for this sidecar's transaction with marker <paramref name="id"/> to end;
    /// <see cref="OutboxCommit.Unknown"/> when it is not one of this sidecar's (another replica's) or took longer.
    /// </summary>
    internal async Task<OutboxCommit> OutcomeHereAsync(string id, TimeSpan limit, CancellationToken cancellationToken)
    {
        if (!_commits.TryGetValue(id, out var signal))
            return OutboxCommit.Unknown;
        try
        {
            return await signal.Task.WaitAsync(limit, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            return OutboxCommit.Unknown;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var settings in _stores.Values)
        {
            var pubsub = _sidecar.Components.TryGet<IPubSub>(settings.OutboxPubsub, out var p) ? p : null;
            var store = _sidecar.Components.TryGet<IStateStore>(settings.Store, out var s) ? s : null;
            if (pubsub is null || store is null)
                continue; // checked at start-up by OutboxSettings.Read
            var relay = new OutboxRelay(settings, store, this, _sidecar, _publisher, _time, _logger);
            _memberships.Add(pubsub.Subscribe(settings.InternalTopic(_sidecar.AppId), _sidecar.AppId, async (message, ct) =>
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
                await relay.HandleAsync(message, linked.Token);
            }));
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_stop.IsCancellationRequested)
            await _stop.CancelAsync();
        foreach (var m in _memberships)
            m.Dispose();
        _memberships.Clear();
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    private static readonly IReadOnlyDictionary<string, string> EmptyMetadata = new Dictionary<string, string>();

    private static bool IsProjection(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(OutboxSettings.ProjectionMetadata, out var v)
        && v.Trim().ToLowerInvariant() is "1" or "true" or "t" or "yes" or "y" or "on";

    /// <summary>
    /// components-contrib's NewCloudEventsEnvelope as the outbox calls it: source the app id, the default type, an empty
    /// topic, the outbox pubsub, <c>traceid</c> the trace and <c>traceparent</c> empty; then every metadata entry of the
    /// stored operation becomes a top-level field of the same name (so <c>type</c>, <c>source</c>, <c>subject</c> or any
    /// custom name override or extend it) except <c>data</c> and <c>id</c>. There is no <c>cloudevent.</c> prefix here:
    /// <c>cloudevent.type</c> arrives as a field literally named so.
    /// </summary>
    private JsonObject Envelope(string id, string outboxPubsub, TransactionItem published, IReadOnlyDictionary<string, string>? storedMetadata, string trace, string state)
    {
        var contentType = published.Metadata?.GetValueOrDefault("contentType");
        if (string.IsNullOrEmpty(contentType))
            contentType = ContentTypes.TextPlain;
        var data = published.Payload ?? ((StateUpsert)published.Operation).Value;
        var ce = new JsonObject
        {
            ["id"] = id,
            ["specversion"] = CloudEvents.SpecVersion,
            ["datacontenttype"] = contentType,
            ["source"] = string.IsNullOrEmpty(_sidecar.AppId) ? CloudEvents.DefaultSource : _sidecar.AppId,
            ["type"] = CloudEvents.DefaultType,
            ["topic"] = "",
            ["pubsubname"] = outboxPubsub,
            ["traceid"] = trace,
            ["traceparent"] = "",
            ["tracestate"] = state,
            ["time"] = CloudEvents.Rfc3339(_time.GetUtcNow()),
        };
        CloudEvents.SetData(ce, contentType, data);
        foreach (var (key, value) in storedMetadata ?? EmptyMetadata)
        {
            if (key is not ("data" or "id"))
                ce[key] = value;
        }
        return ce;
    }

    /// <summary>dapr <c>pkg/api/errors/pubsub.go</c> PubSubOutbox: Internal / 500 ERR_PUBLISH_OUTBOX.</summary>
    private static DaprApiException OutboxError(string problem) =>
        new(StatusCode.Internal, 500, "ERR_PUBLISH_OUTBOX", $"error while publishing outbox message: {problem}");
}

/// <summary>How a transaction with outbox markers ended, as far as this sidecar knows.</summary>
public enum OutboxCommit
{
    /// <summary>Not known here, or the store may have committed although the call failed (a timeout): only the store can tell.</summary>
    Unknown,

    /// <summary>The store committed it.</summary>
    Committed,

    /// <summary>The store refused it before writing (an ETag or first-write rule, a bad request), or the outbox publish failed.</summary>
    Failed,
}

/// <summary>One operation of a state transaction with its metadata; <paramref name="Payload"/> is what the outbox publishes when it differs from the stored bytes.</summary>
public sealed record TransactionItem(StateOperation Operation, IReadOnlyDictionary<string, string>? Metadata, byte[]? Payload = null);
