using Dapr;
using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Catalog.Data;
using ShopDapr.Contracts.Catalog;
using ShopDapr.ServiceDefaults.Events;
using ShopDapr.Contracts.Inventory;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Catalog.Events;

/// <summary>
/// Every subscription of the catalog, in one place. <c>catalog-events</c> keeps this replica's cache and index
/// in step with edits made by other replicas: whatever the event says, the product is read again from state,
/// so a late or repeated event can never put an old version back. <c>inventory-events</c> gives the products their
/// availability: every stock event carries a level and the time of the change, the newest wins, so a late or
/// repeated event changes nothing (<see cref="StockEventHandler"/>).
/// </summary>
public static partial class CatalogSubscriptions
{
    public const string ProductCreatedRoute = "/events/catalog/product-created";
    public const string ProductUpdatedRoute = "/events/catalog/product-updated";
    public const string ProductDeletedRoute = "/events/catalog/product-deleted";
    public const string StockLevelChangedRoute = "/events/inventory/stock-level-changed";
    public const string StockDepletedRoute = "/events/inventory/stock-depleted";
    public const string StockLowRoute = "/events/inventory/stock-low";

    /// <summary>
    /// Routes <c>catalog-events</c> and <c>inventory-events</c> by CloudEvent type (Dapr routing rules); a type with no
    /// rule is not delivered here (the sidecar sends it to the dead-letter topic).
    /// </summary>
    public static IEndpointRouteBuilder MapCatalogSubscriptions(this IEndpointRouteBuilder app)
    {
        Subscribe(app, ShopNames.Topics.CatalogEvents, ProductCreatedRoute, nameof(ProductCreated), priority: 1, OnProductCreated);
        Subscribe(app, ShopNames.Topics.CatalogEvents, ProductUpdatedRoute, nameof(ProductUpdated), priority: 2, OnProductUpdated);
        Subscribe(app, ShopNames.Topics.CatalogEvents, ProductDeletedRoute, nameof(ProductDeleted), priority: 3, OnProductDeleted);
        Subscribe(app, ShopNames.Topics.InventoryEvents, StockLevelChangedRoute, nameof(StockLevelChanged), priority: 1, OnStockLevelChanged);
        Subscribe(app, ShopNames.Topics.InventoryEvents, StockDepletedRoute, nameof(StockDepleted), priority: 2, OnStockDepleted);
        Subscribe(app, ShopNames.Topics.InventoryEvents, StockLowRoute, nameof(StockLow), priority: 3, OnStockLow);
        return app;
    }

    internal static Task<Ok> OnProductCreated(ProductCreated message, ProductStore store, ProductCache cache, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RefreshAsync(message.ProductId, store, cache, loggers, cancellationToken);

    internal static Task<Ok> OnProductUpdated(ProductUpdated message, ProductStore store, ProductCache cache, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RefreshAsync(message.ProductId, store, cache, loggers, cancellationToken);

    internal static Task<Ok> OnProductDeleted(ProductDeleted message, ProductStore store, ProductCache cache, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RefreshAsync(message.ProductId, store, cache, loggers, cancellationToken);

    // Data that does not bind as the event never reaches these: ServiceDefaults answers DROP for it (to the dead-letter
    // topic at once). An empty body binds as null and is dropped by the handler.

    /// <summary>The whole level (the one event inventory publishes on every change).</summary>
    internal static async Task<Ok<SubscriptionReply>> OnStockLevelChanged(StockLevelChanged? message, StockEventHandler handler, CancellationToken cancellationToken) =>
        Reply(await handler.HandleAsync(nameof(StockLevelChanged),
            message is null ? null : new StockReport(message.Sku, message.Available, message.OccurredAt), cancellationToken));

    /// <summary>Nothing left: 0 available, as of the change that sold the last unit.</summary>
    internal static async Task<Ok<SubscriptionReply>> OnStockDepleted(StockDepleted? message, StockEventHandler handler, CancellationToken cancellationToken) =>
        Reply(await handler.HandleAsync(nameof(StockDepleted),
            message is null ? null : new StockReport(message.Sku, 0, message.OccurredAt), cancellationToken));

    internal static async Task<Ok<SubscriptionReply>> OnStockLow(StockLow? message, StockEventHandler handler, CancellationToken cancellationToken) =>
        Reply(await handler.HandleAsync(nameof(StockLow),
            message is null ? null : new StockReport(message.Sku, message.Available, message.OccurredAt), cancellationToken));

    private static Ok<SubscriptionReply> Reply(StockDelivery delivery) =>
        TypedResults.Ok(delivery == StockDelivery.Success ? SubscriptionReply.Success : SubscriptionReply.Drop);

    private static void Subscribe(IEndpointRouteBuilder app, string topic, string route, string eventType, int priority, Delegate handler) =>
        app.MapPost(route, handler)
            .WithTopic(new TopicOptions
            {
                PubsubName = ShopNames.Components.PubSub,
                Name = topic,
                Match = $"event.type == \"{eventType}\"",
                Priority = priority,
                DeadLetterTopic = ShopNames.Topics.DeadLetter,
            })
            .RequireAuthorization(ShopNames.Policies.DaprSidecar)
            .ExcludeFromDescription();

    /// <summary>Whatever the event says, the product is read again from state: the cache and index follow the store.</summary>
    private static async Task<Ok> RefreshAsync(
        Guid productId, ProductStore store, ProductCache cache, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var current = await store.GetAsync(productId, cancellationToken);
        if (current is null)
            cache.Remove(productId);
        else
            cache.Set(current);
        LogRefreshed(loggers.CreateLogger(typeof(CatalogSubscriptions)), productId, current is not null);
        return TypedResults.Ok();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refreshed product {ProductId} from state after a catalog event (exists: {Exists})")]
    private static partial void LogRefreshed(ILogger logger, Guid productId, bool exists);
}
