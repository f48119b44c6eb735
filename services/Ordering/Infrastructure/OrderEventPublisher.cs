using Dapr;
using Dapr.Client;
using ShopDapr.Contracts.Ordering;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Events;

namespace ShopDapr.Ordering.Infrastructure;

/// <summary>Publishes one order event on <c>order-events</c> with its record name as the CloudEvent type (what subscribers route on).</summary>
public sealed partial class OrderEventPublisher(DaprClient dapr, ILogger<OrderEventPublisher> logger)
{
    /// <summary>True when published; false (logged) when the sidecar or broker refused, so the outbox keeps it for later.</summary>
    public async Task<bool> TryPublishAsync(IOrderEvent e, CancellationToken cancellationToken)
    {
        try
        {
            // As object: the runtime type is serialised, not just the interface's members.
            await dapr.PublishIntegrationEventAsync<object>(ShopNames.Topics.OrderEvents, e, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is DaprException or HttpRequestException)
        {
            LogNotPublished(logger, e.GetType().Name, e.OrderId, e.Version, ex);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish {EventType} of order {OrderId} (version {Version}); the outbox relay will retry")]
    private static partial void LogNotPublished(ILogger logger, string eventType, Guid orderId, long version, Exception exception);
}
