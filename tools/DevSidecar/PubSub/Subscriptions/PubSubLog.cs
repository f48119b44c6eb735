namespace ShopDapr.DevSidecar.PubSub.Subscriptions;

/// <summary>Everything the subscription side says, with the message id and topic so no event disappears unseen.</summary>
internal static partial class PubSubLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "pub/sub event {EventId} on topic {Topic} (pubsub {Pubsub}) failed and is lost (no deadLetterTopic): {Problem}")]
    public static partial void Lost(ILogger logger, string? eventId, string topic, string pubsub, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pub/sub event {EventId} on topic {Topic} (pubsub {Pubsub}) was dropped (no deadLetterTopic): {Reason}")]
    public static partial void Dropped(ILogger logger, string? eventId, string topic, string pubsub, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "pub/sub event {EventId} on topic {Topic} (pubsub {Pubsub}) sent to dead-letter topic {DeadLetterTopic}: {Reason}")]
    public static partial void DeadLettered(ILogger logger, string? eventId, string topic, string pubsub, string deadLetterTopic, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "pub/sub event {EventId} on topic {Topic} could not be sent to dead-letter topic {DeadLetterTopic} (pubsub {Pubsub})")]
    public static partial void DeadLetterFailed(ILogger logger, Exception exception, string? eventId, string topic, string pubsub, string deadLetterTopic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "retriable failure delivering pub/sub event {EventId} on topic {Topic}: {Problem}")]
    public static partial void Retriable(ILogger logger, string? eventId, string topic, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "app {AppId} already subscribes to topic {Topic} on pubsub {Pubsub}; the {Type} subscription is ignored")]
    public static partial void Duplicate(ILogger logger, string appId, string topic, string pubsub, SubscriptionType type);

    [LoggerMessage(Level = LogLevel.Information, Message = "app {AppId}: the programmatic subscription to topic {Topic} on pubsub {Pubsub} replaces the {Previous} one")]
    public static partial void Replaced(ILogger logger, string appId, string topic, string pubsub, SubscriptionType previous);

    [LoggerMessage(Level = LogLevel.Warning, Message = "app {AppId} subscribes to topic {Topic} on pubsub {Pubsub}, which this app does not have; ignored")]
    public static partial void UnknownPubsub(ILogger logger, string appId, string topic, string pubsub);

    [LoggerMessage(Level = LogLevel.Error, Message = "app {AppId} did not answer GET /dapr/subscribe within {Deadline}; it has no programmatic subscriptions")]
    public static partial void DiscoveryTimedOut(ILogger logger, string appId, TimeSpan deadline);

    [LoggerMessage(Level = LogLevel.Error, Message = "delivering a pub/sub event on topic {Topic} (pubsub {Pubsub}) failed unexpectedly; the event is lost")]
    public static partial void Unexpected(ILogger logger, Exception exception, string topic, string pubsub);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pub/sub event {EventId} on topic {Topic} (pubsub {Pubsub}) failed and stays with the broker for redelivery: {Problem}")]
    public static partial void KeptForRedelivery(ILogger logger, string? eventId, string topic, string pubsub, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    public static partial void Warning(ILogger logger, string message);
}
