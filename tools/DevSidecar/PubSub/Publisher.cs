using System.Text.Json;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Resiliency;

namespace ShopDapr.DevSidecar.PubSub;

/// <summary>One event to publish, as the HTTP and gRPC APIs hand it over.</summary>
public sealed record PublishEntry(string EntryId, ReadOnlyMemory<byte> Data, string? ContentType, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// Publishing as daprd's API layer does it (dapr <c>pkg/api/http/http.go</c> onPublish, <c>pkg/api/grpc/grpc.go</c> PublishEvent):
/// validate names, wrap the data in a CloudEvent unless <c>rawPayload</c>, stamp the TTL, and hand it to the component
/// under the component's outbound resiliency policy. Dead letters go out the same way.
/// </summary>
public sealed class Publisher(SidecarContext sidecar, IResiliencyPolicies resiliency, TimeProvider time)
{
    /// <summary>Checks the names and the <c>rawPayload</c> flag in daprd's order; throws <see cref="PubSubError"/>.</summary>
    public (IPubSub PubSub, bool RawPayload) Validate(string pubsubName, string topic, IReadOnlyDictionary<string, string> metadata)
    {
        if (string.IsNullOrEmpty(pubsubName))
            throw PubSubError.NameEmpty();
        if (!sidecar.Components.TryGet<IPubSub>(pubsubName, out var pubsub))
            throw PubSubError.NotFound(pubsubName);
        if (string.IsNullOrEmpty(topic))
            throw PubSubError.TopicEmpty(pubsubName);
        if (!TryGetRawPayload(metadata, out var raw))
            throw PubSubError.Metadata($"rawPayload value must be a valid boolean: actual is '{metadata["rawPayload"]}'");
        return (pubsub, raw);
    }

    public async Task PublishAsync(
        string pubsubName, string topic, PublishEntry entry, string? traceParent, string? traceState, bool addTraceToRawMetadata, CancellationToken cancellationToken)
    {
        var (pubsub, raw) = Validate(pubsubName, topic, entry.Metadata);
        var message = Prepare(pubsubName, topic, entry, raw, traceParent, traceState, addTraceToRawMetadata);
        try
        {
            await SendAsync(pubsubName, pubsub, message, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw PubSubError.PublishMessage(pubsubName, topic, e);
        }
    }

    /// <summary>Publishes each entry; returns the entries that failed with why. Entry metadata overrides request metadata.</summary>
    public async Task<IReadOnlyList<(string EntryId, string Error)>> BulkPublishAsync(
        string pubsubName, string topic, IReadOnlyList<PublishEntry> entries, IReadOnlyDictionary<string, string> metadata,
        string? traceParent, string? traceState, CancellationToken cancellationToken)
    {
        var (pubsub, raw) = Validate(pubsubName, topic, metadata);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            if (string.IsNullOrEmpty(e.EntryId) || !seen.Add(e.EntryId))
                throw PubSubError.MarshalEvents(pubsubName, topic, "entryId is duplicated or not present for entry");
        }
        var messages = entries.Select(e => (e.EntryId, Message: Prepare(pubsubName, topic, WithRequestMetadata(e, metadata), raw, traceParent, traceState, false))).ToList();
        var failed = new List<(string, string)>();
        foreach (var (id, message) in messages)
        {
            try
            {
                await SendAsync(pubsubName, pubsub, message, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failed.Add((id, e.Message));
            }
        }
        return failed;
    }

    /// <summary>Republishes a message as it came off the broker (daprd's sendToDeadLetter).</summary>
    public Task SendToDeadLetterAsync(string pubsubName, IPubSub pubsub, PubSubMessage message, string deadLetterTopic, CancellationToken cancellationToken) =>
        SendAsync(pubsubName, pubsub, message with { Topic = deadLetterTopic }, cancellationToken);

    /// <summary>Hands a prepared message to the component under its outbound resiliency policy (also the outbox's way out).</summary>
    public Task SendAsync(string pubsubName, IPubSub pubsub, PubSubMessage message, CancellationToken cancellationToken) =>
        resiliency.ForComponent(pubsubName, ComponentDirection.Outbound)
            .ExecuteAsync(async ct => await pubsub.PublishAsync(message, ct), cancellationToken).AsTask();

    private PubSubMessage Prepare(
        string pubsubName, string topic, PublishEntry entry, bool raw, string? traceParent, string? traceState, bool addTraceToRawMetadata)
    {
        var (parent, state) = TraceContext.ForPublish(traceParent, traceState);
        if (raw)
        {
            var metadata = entry.Metadata;
            if (addTraceToRawMetadata)
                metadata = new Dictionary<string, string>(entry.Metadata) { ["traceid"] = parent, ["tracestate"] = state };
            return new PubSubMessage(topic, entry.Data, metadata);
        }
        var now = time.GetUtcNow();
        System.Text.Json.Nodes.JsonObject envelope;
        try
        {
            envelope = CloudEvents.Create(new CloudEventRequest(sidecar.AppId, topic, pubsubName, entry.ContentType, entry.Data, parent, state), entry.Metadata, now);
        }
        catch (JsonException)
        {
            throw PubSubError.CloudEventCreation();
        }
        CloudEvents.ApplyTtl(envelope, entry.Metadata, now);
        return new PubSubMessage(topic, JsonSerializer.SerializeToUtf8Bytes(envelope), entry.Metadata);
    }

    private static PublishEntry WithRequestMetadata(PublishEntry entry, IReadOnlyDictionary<string, string> request)
    {
        // daprd merges request metadata into an entry only when the entry has metadata of its own.
        if (entry.Metadata.Count == 0)
            return entry;
        var merged = new Dictionary<string, string>(request);
        foreach (var (k, v) in entry.Metadata)
            merged[k] = v;
        return entry with { Metadata = merged };
    }

    /// <summary>Go's strconv.ParseBool on <c>rawPayload</c> (exact key, as daprd reads it).</summary>
    internal static bool TryGetRawPayload(IReadOnlyDictionary<string, string> metadata, out bool raw)
    {
        raw = false;
        if (!metadata.TryGetValue("rawPayload", out var value) || string.IsNullOrEmpty(value))
            return true;
        switch (value)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True":
                raw = true;
                return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False":
                return true;
            default:
                return false;
        }
    }
}
