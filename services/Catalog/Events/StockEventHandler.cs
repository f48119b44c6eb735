using ShopDapr.Catalog.Data;
using ShopDapr.Catalog.Domain;

namespace ShopDapr.Catalog.Events;

/// <summary>What a stock event says of a SKU, whichever of inventory's events carried it.</summary>
public sealed record StockReport(string? Sku, int Available, DateTimeOffset OccurredAt);

/// <summary>What to tell the sidecar about a delivered event (Dapr's subscription answer).</summary>
public enum StockDelivery
{
    /// <summary>Applied, or already known (a redelivery, or a level older than the one held).</summary>
    Success,

    /// <summary>The event can never be applied (no data, no SKU, a negative count, no time): to the dead-letter topic.</summary>
    Drop,
}

/// <summary>
/// One stock event from <c>inventory-events</c> → the SKU's availability: stored first (so it survives a restart and the
/// newest level wins across concurrent deliveries), then offered to this replica's <see cref="StockView"/>.
/// </summary>
public sealed partial class StockEventHandler(StockStore store, StockView view, ILogger<StockEventHandler> logger)
{
    /// <param name="report">The event's content; null when the delivery carried no data.</param>
    public async Task<StockDelivery> HandleAsync(string eventType, StockReport? report, CancellationToken cancellationToken)
    {
        var problem = report is null
            ? "the event has no data"
            : StockAvailability.Problem(report.Sku, report.Available, report.OccurredAt);
        if (problem is not null)
        {
            LogUnusable(logger, eventType, report?.Sku, problem);
            return StockDelivery.Drop;
        }
        var (available, occurredAt) = (report!.Available, report.OccurredAt);
        var level = new StockAvailability(StockAvailability.Normalize(report.Sku!), available, occurredAt);
        var (outcome, current) = await store.ApplyAsync(level, cancellationToken);
        view.Offer(current);
        if (outcome == StockStore.Outcome.Stored)
            LogApplied(logger, eventType, level.Sku, available, occurredAt);
        else
            LogIgnored(logger, eventType, level.Sku, occurredAt, current.AsOf);
        return StockDelivery.Success;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{EventType}: {Sku} now has {Available} available (as of {AsOf})")]
    private static partial void LogApplied(ILogger logger, string eventType, string sku, int available, DateTimeOffset asOf);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{EventType} for {Sku} as of {AsOf} changes nothing: the level as of {Known} is already known")]
    private static partial void LogIgnored(ILogger logger, string eventType, string sku, DateTimeOffset asOf, DateTimeOffset known);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped {EventType} for SKU '{Sku}': {Problem}")]
    private static partial void LogUnusable(ILogger logger, string eventType, string? sku, string problem);
}
