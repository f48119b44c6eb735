using System.Text.Json;
using Dapr;
using Dapr.Client;

namespace ShopDapr.ServiceDefaults.Events;

/// <summary>
/// The shop's one way to change state and announce it: Dapr's transactional outbox. The state store component of the
/// app names the pub/sub and topic (<c>outboxPublishPubsub</c>, <c>outboxPublishTopic</c>); one ExecuteStateTransaction
/// upserts the state and, as an <c>outbox.projection</c> of the same key, the integration event. The sidecar publishes
/// the event only when the state committed, at least once, with one CloudEvent id for every redelivery (subscribers
/// de-duplicate by it) and the CloudEvent <c>type</c> set to the event record's name (subscribers route on it).
/// Nothing in between can fail after the save: a refused publish fails the transaction and nothing is stored.
/// Every upsert of a transaction on such a store is published, so a transaction carries exactly one upsert (plus its
/// projection); other keys of the app are written with plain SaveState, which publishes nothing.
/// </summary>
public static class OutboxPublishing
{
    /// <summary>Operation metadata: this upsert is what is published for its key, not what is stored.</summary>
    public const string ProjectionMetadata = "outbox.projection";

    /// <summary>Operation metadata the outbox copies into the CloudEvent as a field of the same name.</summary>
    public const string CloudEventTypeField = "type";

    /// <summary>Operation metadata naming the payload's content type (the outbox writes it to <c>datacontenttype</c>).</summary>
    public const string ContentTypeMetadata = "contentType";

    private const string Json = "application/json";

    /// <summary>
    /// The two operations: <paramref name="integrationEvent"/> published, <paramref name="state"/> stored under
    /// <paramref name="key"/>. The projection comes first: on a store without an outbox (a component set that forgot it)
    /// both are plain upserts and the last one wins, so the state stays right and only the event is missing.
    /// </summary>
    public static IReadOnlyList<StateTransactionRequest> SaveAndPublish<TState, TEvent>(
        DaprClient dapr, string key, TState state, string? etag, StateOptions? options, TEvent integrationEvent)
        where TEvent : notnull =>
    [
        new(key, JsonSerializer.SerializeToUtf8Bytes(integrationEvent, integrationEvent.GetType(), dapr.JsonSerializerOptions ?? JsonSerializerOptions.Web), StateOperationType.Upsert,
            metadata: new Dictionary<string, string> { [ProjectionMetadata] = "true", [ContentTypeMetadata] = Json }),
        new(key, JsonSerializer.SerializeToUtf8Bytes(state, dapr.JsonSerializerOptions ?? JsonSerializerOptions.Web), StateOperationType.Upsert, etag,
            new Dictionary<string, string> { [CloudEventTypeField] = integrationEvent.GetType().Name, [ContentTypeMetadata] = Json }, options),
    ];

    /// <summary>
    /// Stores <paramref name="state"/> under <paramref name="key"/> if its ETag is still <paramref name="etag"/> ("" with
    /// first-write: only if absent) and publishes <paramref name="integrationEvent"/> with it. False when the key changed
    /// meanwhile (nothing stored, nothing published); any other failure throws, with nothing stored either.
    /// </summary>
    public static async Task<bool> TrySaveAndPublishAsync<TState, TEvent>(
        this DaprClient dapr, string store, string key, TState state, string etag, StateOptions? options, TEvent integrationEvent,
        CancellationToken cancellationToken)
        where TEvent : notnull
    {
        try
        {
            await dapr.ExecuteStateTransactionAsync(store, SaveAndPublish(dapr, key, state, etag, options, integrationEvent), cancellationToken: cancellationToken);
            return true;
        }
        catch (DaprException)
        {
            // daprd reports an ETag mismatch inside a transaction as a plain failure (Internal), like a broken store or a
            // refused publish; a key whose ETag has moved tells the conflict apart.
            var (_, current) = await dapr.GetStateAndETagAsync<TState>(store, key, ConsistencyMode.Strong, cancellationToken: cancellationToken);
            if ((current ?? "") != etag)
                return false;
            throw;
        }
    }
}
