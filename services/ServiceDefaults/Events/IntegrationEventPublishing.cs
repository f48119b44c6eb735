using Dapr.Client;

namespace ShopDapr.ServiceDefaults.Events;

/// <summary>
/// How every service publishes an integration event: on the shop's pub/sub, with the CloudEvent <c>type</c> set to the
/// event record's name (see <c>ShopDapr.Contracts.IIntegrationEvent</c>), which subscribers route on.
/// </summary>
public static class IntegrationEventPublishing
{
    /// <summary>The publish metadata key daprd reads to set the CloudEvent <c>type</c>.</summary>
    public const string CloudEventTypeMetadata = "cloudevent.type";

    /// <summary>
    /// Publishes <paramref name="integrationEvent"/> on <paramref name="topic"/>; the type is the runtime type's name, so
    /// pass the concrete record (or the event as <c>object</c> when holding it by an interface, so all of it is serialised).
    /// </summary>
    public static Task PublishIntegrationEventAsync<T>(this DaprClient dapr, string topic, T integrationEvent, CancellationToken cancellationToken)
        where T : notnull =>
        dapr.PublishEventAsync(ShopNames.Components.PubSub, topic, integrationEvent, Metadata(integrationEvent, eventId: null), cancellationToken);

    /// <summary>The publish metadata key daprd reads to set the CloudEvent <c>id</c>.</summary>
    public const string CloudEventIdMetadata = "cloudevent.id";

    /// <summary>
    /// As above with the CloudEvent <c>id</c> set to <paramref name="eventId"/>: a publisher that retries an event gives
    /// it the same id each time, so subscribers can de-duplicate by it.
    /// </summary>
    public static Task PublishIntegrationEventAsync<T>(this DaprClient dapr, string topic, T integrationEvent, string eventId, CancellationToken cancellationToken)
        where T : notnull =>
        dapr.PublishEventAsync(ShopNames.Components.PubSub, topic, integrationEvent, Metadata(integrationEvent, eventId), cancellationToken);

    private static Dictionary<string, string> Metadata(object integrationEvent, string? eventId)
    {
        var metadata = new Dictionary<string, string> { [CloudEventTypeMetadata] = integrationEvent.GetType().Name };
        if (eventId is not null)
            metadata[CloudEventIdMetadata] = eventId;
        return metadata;
    }
}
