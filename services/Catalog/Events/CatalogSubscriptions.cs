using Dapr;
using ShopDapr.Catalog.Data;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Catalog.Events;

/// <summary>
/// Every subscription of the catalog, in one place. <c>catalog-events</c> keeps this replica's cache and index
/// in step with edits made by other replicas: whatever the event says, the product is read again from state,
/// so a late or repeated event can never put an old version back.
/// </summary>
public static partial class CatalogSubscriptions
{
    public const string CatalogEventsRoute = "/events/catalog";

    public static IEndpointRouteBuilder MapCatalogSubscriptions(this IEndpointRouteBuilder app)
    {
        app.MapPost(CatalogEventsRoute, OnCatalogEvent)
            .WithTopic(new TopicOptions
            {
                PubsubName = ShopNames.Components.PubSub,
                Name = ShopNames.Topics.CatalogEvents,
                DeadLetterTopic = ShopNames.Topics.DeadLetter,
            })
            .RequireAuthorization(ShopNames.Policies.DaprSidecar)
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>The fields all three product events share.</summary>
    public sealed record ProductEventRef(Guid ProductId);

    internal static async Task<Microsoft.AspNetCore.Http.HttpResults.Ok> OnCatalogEvent(
        ProductEventRef message, ProductStore store, ProductCache cache, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var current = await store.GetAsync(message.ProductId, cancellationToken);
        if (current is null)
            cache.Remove(message.ProductId);
        else
            cache.Set(current);
        LogRefreshed(loggers.CreateLogger(typeof(CatalogSubscriptions)), message.ProductId, current is not null);
        return TypedResults.Ok();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refreshed product {ProductId} from state after a catalog event (exists: {Exists})")]
    private static partial void LogRefreshed(ILogger logger, Guid productId, bool exists);
}
