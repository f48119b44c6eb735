using Dapr.Client;
using ShopDapr.Contracts;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Events;

namespace ShopDapr.Payment.Infrastructure;

/// <summary>Publishes payment events on <c>order-events</c> with the record's name as the CloudEvent <c>type</c> (subscribers route on it).</summary>
public sealed class PaymentEvents(DaprClient dapr)
{
    public Task PublishAsync<T>(T integrationEvent, CancellationToken cancellationToken)
        where T : IIntegrationEvent =>
        dapr.PublishIntegrationEventAsync(ShopNames.Topics.OrderEvents, integrationEvent, cancellationToken);
}
