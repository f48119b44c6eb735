using Dapr.Client;
using ShopDapr.Contracts;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Events;

namespace ShopDapr.Shipping.Infrastructure;

/// <summary>Publishes shipping events on <c>order-events</c> with the record's name as the CloudEvent <c>type</c> (subscribers route on it).</summary>
public sealed class ShippingEvents(DaprClient dapr)
{
    public Task PublishAsync<T>(T integrationEvent, CancellationToken cancellationToken)
        where T : IIntegrationEvent =>
        dapr.PublishIntegrationEventAsync(ShopNames.Topics.OrderEvents, integrationEvent, cancellationToken);
}
