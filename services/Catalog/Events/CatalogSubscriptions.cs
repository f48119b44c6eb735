using System.Text.Json;
using Dapr;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Catalog.Data;
using ShopDapr.Contracts.Catalog;
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

    /// <summary>The whole level (the one event inventory publishes on every change).</summary>
    internal static async Task<Ok<SubscriptionReply>> OnStockLevelChanged(
        HttpRequest request, StockEventHandler handler, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var (message, problem) = await ReadAsync<StockLevelChanged>(request, json, cancellationToken);
        return Reply(await handler.HandleAsync(nameof(StockLevelChanged),
            message is null ? null : new StockReport(message.Sku, message.Available, message.OccurredAt), problem, cancellationToken));
    }

    /// <summary>Nothing left: 0 available, as of the change that sold the last unit.</summary>
    internal static async Task<Ok<SubscriptionReply>> OnStockDepleted(
        HttpRequest request, StockEventHandler handler, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var (message, problem) = await ReadAsync<StockDepleted>(request, json, cancellationToken);
        return Reply(await handler.HandleAsync(nameof(StockDepleted),
            message is null ? null : new StockReport(message.Sku, 0, message.OccurredAt), problem, cancellationToken));
    }

    internal static async Task<Ok<SubscriptionReply>> OnStockLow(
        HttpRequest request, StockEventHandler handler, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var (message, problem) = await ReadAsync<StockLow>(request, json, cancellationToken);
        return Reply(await handler.HandleAsync(nameof(StockLow),
            message is null ? null : new StockReport(message.Sku, message.Available, message.OccurredAt), problem, cancellationToken));
    }

    /// <summary>
    /// The event's data (the CloudEvent already unwrapped by <c>UseCloudEvents</c>), read here rather than bound by the
    /// framework: data that is not the event is a poison message, answered DROP (to the dead-letter topic at once) rather
    /// than the framework's 400, which the sidecar would retry under the pub/sub resiliency policy first.
    /// </summary>
    private static async Task<(T? Message, string? Problem)> ReadAsync<T>(HttpRequest request, IOptions<JsonOptions> json, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var message = await JsonSerializer.DeserializeAsync<T>(request.Body, json.Value.SerializerOptions, cancellationToken);
            return (message, message is null ? "the event has no data" : null);
        }
        catch (JsonException e)
        {
            return (null, $"the event's data is not a {typeof(T).Name}: {e.Message}");
        }
    }

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

/// <summary>The body Dapr reads from a subscriber: <c>{"status": "SUCCESS" | "DROP"}</c> (DROP goes to the dead-letter topic).</summary>
public sealed record SubscriptionReply(string Status)
{
    public static SubscriptionReply Success { get; } = new("SUCCESS");
    public static SubscriptionReply Drop { get; } = new("DROP");
}
