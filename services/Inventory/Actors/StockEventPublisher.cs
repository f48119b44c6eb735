using Dapr.Client;
using Microsoft.Extensions.Options;
using ShopDapr.Contracts;
using ShopDapr.Contracts.Inventory;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Events;

namespace ShopDapr.Inventory.Actors;

/// <summary>
/// Publishes a SKU's level on <c>inventory-events</c> after the actor has saved it: StockLevelChanged always, StockLow
/// while 0 &lt; available ≤ threshold, StockDepleted at 0. Every event carries the whole level, so a publish that fails
/// is logged and not retried: the saved change stands and the next change publishes the level again.
/// </summary>
public sealed partial class StockEventPublisher(DaprClient dapr, IOptions<InventoryOptions> options, ILogger<StockEventPublisher> logger)
{
    public async Task PublishAsync(StockSnapshot level, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await PublishAsync(new StockLevelChanged(level.Sku, level.OnHand, level.Reserved, level.Available, now), cancellationToken);
            var threshold = options.Value.LowStockThreshold;
            if (level.Available == 0)
                await PublishAsync(new StockDepleted(level.Sku, now), cancellationToken);
            else if (level.Available <= threshold)
                await PublishAsync(new StockLow(level.Sku, level.Available, threshold, now), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPublishFailed(logger, level.Sku, e);
        }
    }

    /// <summary>The CloudEvent type is the record's name (<see cref="IIntegrationEvent"/>), which subscribers route on.</summary>
    private Task PublishAsync<T>(T data, CancellationToken cancellationToken)
        where T : IIntegrationEvent =>
        dapr.PublishIntegrationEventAsync(ShopNames.Topics.InventoryEvents, data, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing the stock level of {Sku} failed; the change is saved and the next change publishes the level again")]
    private static partial void LogPublishFailed(ILogger logger, string sku, Exception exception);
}
