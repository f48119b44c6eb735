using Dapr;
using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Catalog.Data;
using ShopDapr.Contracts.Catalog;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Catalog.Events;

/// <summary>
/// Every subscription of the catalog, in one place. <c>catalog-events</c> keeps this replica's cache and index
/// in step with edits made by other replicas: whatever the event says, the product is read again from state,
/// so a late or repeated event can never put an old version back.
/// </summary>
public static partial class CatalogSubscriptions
{
    public const string ProductCreatedRoute = "/events/catalog/product-created";
    public const string ProductUpdatedRoute = "/events/catalog/product-updated";
    public const string ProductDeletedRoute = "/events/catalog/product-deleted";

    /// <summary>Routes <c>catalog-events</c> by CloudEvent type (Dapr routing rules); other types are not delivered here.</summary>
    public static IEndpointRouteBuilder MapCatalogSubscriptions(this IEndpointRouteBuilder app)
    {
        Subscribe(app, ProductCreatedRoute, nameof(ProductCreated), priority: 1, OnProductCreated);
        Subscribe(app, ProductUpdatedRoute, nameof(ProductUpdated), priority: 2, OnProductUpdated);
        Subscribe(app, ProductDeletedRoute, nameof(ProductDeleted), priority: 3, OnProductDeleted);
        return app;
    }

    internal static Task<Ok> OnProductCreated(ProductCreated message, ProductStore store, ProductCache cache, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RefreshAsync(message.ProductId, store, cache, loggers, cancellationToken);

    internal static Task<Ok> OnProductUpdated(ProductUpdated message, ProductStore store, ProductCache cache, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RefreshAsync(message.ProductId, store, cache, loggers, cancellationToken);

    internal static Task<Ok> OnProductDeleted(ProductDeleted message, ProductStore store, ProductCache cache, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        RefreshAsync(message.ProductId, store, cache, loggers, cancellationToken);

    private static void Subscribe(IEndpointRouteBuilder app, string route, string eventType, int priority, Delegate handler) =>
        app.MapPost(route, handler)
            .WithTopic(new TopicOptions
            {
                PubsubName = ShopNames.Components.PubSub,
                Name = ShopNames.Topics.CatalogEvents,
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
