using Dapr;
using Dapr.Client;
using ShopDapr.Contracts;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Events;

namespace ShopDapr.Catalog.Events;

/// <summary>
/// Publishes integration events on the shop's pub/sub with the CloudEvent <c>type</c> set to the record's name,
/// which subscribers route on.
/// </summary>
public sealed partial class EventPublisher(DaprClient dapr, ILogger<EventPublisher> logger)
{
    /// <summary>Publishes and lets a failure surface: catalog changes must not lose their event silently.</summary>
    public Task PublishAsync<TEvent>(string topic, TEvent integrationEvent, CancellationToken cancellationToken)
        where TEvent : IIntegrationEvent =>
        dapr.PublishIntegrationEventAsync(topic, integrationEvent, cancellationToken);

    /// <summary>
    /// Publishes a behaviour signal (a view, a search). Analytics is best effort: when pub/sub is down the shopper
    /// still gets the page, and the failure is logged as a warning.
    /// </summary>
    public async Task PublishBehaviorAsync<TEvent>(TEvent integrationEvent, CancellationToken cancellationToken)
        where TEvent : IIntegrationEvent
    {
        try
        {
            await PublishAsync(ShopNames.Topics.UserBehavior, integrationEvent, cancellationToken);
        }
        catch (DaprException e)
        {
            LogBehaviorLost(logger, typeof(TEvent).Name, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the {EventType} behaviour event")]
    private static partial void LogBehaviorLost(ILogger logger, string eventType, Exception exception);
}
