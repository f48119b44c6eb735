using System.Text.Json;
using Dapr;
using Dapr.AspNetCore;
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
/// repeated event changes nothing (<see cref="StockEventHandler"/>). <c>inventory-events</c> is a bulk subscription
/// (stock moves with every order: batches as <see cref="BulkBatches"/> says), each entry answered on its own.
/// </summary>
public static partial class CatalogSubscriptions
{
    public const string ProductCreatedRoute = "/events/catalog/product-created";
    public const string ProductUpdatedRoute = "/events/catalog/product-updated";
    public const string ProductDeletedRoute = "/events/catalog/product-deleted";
    public const string StockLevelChangedRoute = "/events/inventory/stock-level-changed";
    public const string StockDepletedRoute = "/events/inventory/stock-depleted";
    public const string StockLowRoute = "/events/inventory/stock-low";

    private static readonly BulkSubscribeTopicOptions StockBatches = BulkBatches.For(ShopNames.Topics.InventoryEvents);

    /// <summary>
    /// Routes <c>catalog-events</c> and <c>inventory-events</c> by CloudEvent type (Dapr routing rules); a type with no
    /// rule is not delivered here (the sidecar sends it to the dead-letter topic).
    /// </summary>
    public static IEndpointRouteBuilder MapCatalogSubscriptions(this IEndpointRouteBuilder app)
    {
        Subscribe(app, ShopNames.Topics.CatalogEvents, ProductCreatedRoute, nameof(ProductCreated), priority: 1, OnProductCreated);
        Subscribe(app, ShopNames.Topics.CatalogEvents, ProductUpdatedRoute, nameof(ProductUpdated), priority: 2, OnProductUpdated);
        Subscribe(app, ShopNames.Topics.CatalogEvents, ProductDeletedRoute, nameof(ProductDeleted), priority: 3, OnProductDeleted);
        Subscribe(app, ShopNames.Topics.InventoryEvents, StockLevelChangedRoute, nameof(StockLevelChanged), priority: 1, OnStockLevelChanged)
            .WithBulkSubscribe(StockBatches);
        Subscribe(app, ShopNames.Topics.InventoryEvents, StockDepletedRoute, nameof(StockDepleted), priority: 2, OnStockDepleted)
            .WithBulkSubscribe(StockBatches);
        Subscribe(app, ShopNames.Topics.InventoryEvents, StockLowRoute, nameof(StockLow), priority: 3, OnStockLow)
            .WithBulkSubscribe(StockBatches);
        return app;
    }

    internal static Task<Ok> OnProductCreated(ProductCreated message, ProductStore store, ProductCache cache, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RefreshAsync(message.ProductId, store, cache, loggers, cancellationToken);

    internal static Task<Ok> OnProductUpdated(ProductUpdated message, ProductStore store, ProductCache cache, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RefreshAsync(message.ProductId, store, cache, loggers, cancellationToken);

    internal static Task<Ok> OnProductDeleted(ProductDeleted message, ProductStore store, ProductCache cache, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RefreshAsync(message.ProductId, store, cache, loggers, cancellationToken);

    // An entry whose data does not read as the event is dropped (to the dead-letter topic) by BulkSubscriptionReply; one
    // that reads but cannot be used (no SKU, a negative count, no time) by the handler.

    /// <summary>The whole level (the one event inventory publishes whenever availability moves).</summary>
    internal static async Task<Ok<BulkSubscriptionReply>> OnStockLevelChanged(
        BulkSubscribeMessage<JsonElement> batch, StockEventHandler handler, CancellationToken cancellationToken) =>
        TypedResults.Ok(await BulkSubscriptionReply.EachAsync<StockLevelChanged>(batch, async message =>
            Reply(await handler.HandleAsync(nameof(StockLevelChanged), new StockReport(message.Sku, message.Available, message.OccurredAt), cancellationToken))));

    /// <summary>Nothing left: 0 available, as of the change that sold the last unit.</summary>
    internal static async Task<Ok<BulkSubscriptionReply>> OnStockDepleted(
        BulkSubscribeMessage<JsonElement> batch, StockEventHandler handler, CancellationToken cancellationToken) =>
        TypedResults.Ok(await BulkSubscriptionReply.EachAsync<StockDepleted>(batch, async message =>
            Reply(await handler.HandleAsync(nameof(StockDepleted), new StockReport(message.Sku, 0, message.OccurredAt), cancellationToken))));

    internal static async Task<Ok<BulkSubscriptionReply>> OnStockLow(
        BulkSubscribeMessage<JsonElement> batch, StockEventHandler handler, CancellationToken cancellationToken) =>
        TypedResults.Ok(await BulkSubscriptionReply.EachAsync<StockLow>(batch, async message =>
            Reply(await handler.HandleAsync(nameof(StockLow), new StockReport(message.Sku, message.Available, message.OccurredAt), cancellationToken))));

    private static SubscriptionReply Reply(StockDelivery delivery) =>
        delivery == StockDelivery.Success ? SubscriptionReply.Success : SubscriptionReply.Drop;

    private static RouteHandlerBuilder Subscribe(IEndpointRouteBuilder app, string topic, string route, string eventType, int priority, Delegate handler) =>
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
