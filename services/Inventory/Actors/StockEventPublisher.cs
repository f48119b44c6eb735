using Dapr.Client;
using Microsoft.Extensions.Options;
using ShopDapr.Contracts;
using ShopDapr.Contracts.Inventory;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Events;

namespace ShopDapr.Inventory.Actors;

/// <summary>
/// Publishes a SKU's level on <c>inventory-events</c> after the actor has saved it: StockLevelChanged always, StockLow
/// while 0 &lt; available ≤ threshold, StockDepleted at 0. Every event carries the whole level and an id made of the SKU,
/// the level's id and the event type, so a retry of the same level is the same event (subscribers de-duplicate by
/// id). A failure is reported to the actor, which keeps the level pending in its own state and retries it by reminder.
/// </summary>
public sealed partial class StockEventPublisher(DaprClient dapr, IOptions<InventoryOptions> options, ILogger<StockEventPublisher> logger)
{
    /// <summary>True once the broker took every event of the level; false (logged) when a publish failed.</summary>
    public async Task<bool> PublishAsync(StockSnapshot level, Guid levelId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await PublishAsync(new StockLevelChanged(level.Sku, level.OnHand, level.Reserved, level.Available, now), level.Sku, levelId, cancellationToken);
            var threshold = options.Value.LowStockThreshold;
            if (level.Available == 0)
                await PublishAsync(new StockDepleted(level.Sku, now), level.Sku, levelId, cancellationToken);
            else if (level.Available <= threshold)
                await PublishAsync(new StockLow(level.Sku, level.Available, threshold, now), level.Sku, levelId, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPublishFailed(logger, level.Sku, levelId, e);
            return false;
        }
    }

    /// <summary>The CloudEvent type is the record's name (<see cref="IIntegrationEvent"/>), which subscribers route on.</summary>
    private Task PublishAsync<T>(T data, string sku, Guid levelId, CancellationToken cancellationToken)
        where T : IIntegrationEvent =>
        dapr.PublishIntegrationEventAsync(ShopNames.Topics.InventoryEvents, data, $"stock-{sku}-{levelId:N}-{typeof(T).Name}", cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing level {LevelId} of {Sku} failed; the change is saved and the actor's announce reminder retries it")]
    private static partial void LogPublishFailed(ILogger logger, string sku, Guid levelId, Exception exception);
}
