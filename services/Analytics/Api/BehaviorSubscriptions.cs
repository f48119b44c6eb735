using System.Text.Json;
using Dapr;
using Dapr.AspNetCore;
using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Contracts;
using ShopDapr.Contracts.Analytics;
using ShopDapr.Contracts.Cart;
using ShopDapr.Contracts.Catalog;
using ShopDapr.Contracts.Identity;
using ShopDapr.Contracts.Inventory;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Events;

namespace ShopDapr.Analytics.Api;

/// <summary>
/// Every subscription of analytics, in one place. Four topics, each a bulk subscription routed by CloudEvent
/// <c>type</c> to one route per event analytics learns from, a default route that acknowledges the rest, and
/// <c>deadletter</c> for what cannot be applied (a malformed event is dropped there; it never stops the subscription):
/// <list type="bullet">
/// <item><c>user-behavior</c>: views, cart changes, checkouts (profiles, trending), registrations (fraud features);</item>
/// <item><c>order-events</c>: submitted orders (purchases, trending, co-occurrence, fraud features), holds, completions,
/// cancellations and payment declines (fraud features and labels, <see cref="FraudIngest"/>);</item>
/// <item><c>catalog-events</c>: products' categories and prices; <c>inventory-events</c>: what is out of stock.</item>
/// </list>
/// </summary>
public static class BehaviorSubscriptions
{
    public const string Prefix = "/events";

    public static IEndpointRouteBuilder MapBehaviorSubscriptions(this IEndpointRouteBuilder routes)
    {
        var events = routes.MapGroup(Prefix).WithTags("Subscriptions").RequireAuthorization(ShopNames.Policies.DaprSidecar);

        var behavior = new Topic(events, ShopNames.Topics.UserBehavior);
        behavior.Route<ProductViewed>();
        behavior.Route<ItemAddedToCart>();
        behavior.Route<ItemRemovedFromCart>();
        behavior.Route<CheckoutStarted>();
        behavior.Route<UserRegistered>();
        behavior.Other();

        var orders = new Topic(events, ShopNames.Topics.OrderEvents);
        orders.Route<OrderSubmitted>();
        orders.Route<OrderAwaitingApproval>();
        orders.Route<OrderCompleted>();
        orders.Route<OrderCancelled>();
        orders.Route<PaymentDeclined>();
        orders.Other();

        var catalog = new Topic(events, ShopNames.Topics.CatalogEvents);
        catalog.Route<ProductCreated>();
        catalog.Route<ProductUpdated>();
        catalog.Route<ProductDeleted>();
        catalog.Other();

        var inventory = new Topic(events, ShopNames.Topics.InventoryEvents);
        inventory.Route<StockLevelChanged>();
        inventory.Route<StockDepleted>();
        inventory.Other();
        return routes;
    }

    /// <summary>The routes of one topic: <c>/events/{topic}/{type}</c>, rules in the order they are added.</summary>
    private sealed class Topic(RouteGroupBuilder events, string name)
    {
        private readonly BulkSubscribeTopicOptions _batches = BulkBatches.For(name);
        private int _priority;

        public void Route<T>()
            where T : class, IIntegrationEvent
        {
            var type = typeof(T).Name;
            events.MapPost($"/{name}/{type}", Handle<T>).WithTopic(new TopicOptions
            {
                PubsubName = ShopNames.Components.PubSub,
                Name = name,
                Match = $"event.type == \"{type}\"",
                Priority = ++_priority,
                DeadLetterTopic = ShopNames.Topics.DeadLetter,
            }).WithBulkSubscribe(_batches);
        }

        /// <summary>The default route: the topic's other events are acknowledged and left alone.</summary>
        public void Other() =>
            events.MapPost($"/{name}/other", (BulkSubscribeMessage<JsonElement> batch) => TypedResults.Ok(BulkSubscriptionReply.AllSucceeded(batch)))
                .WithTopic(new TopicOptions { PubsubName = ShopNames.Components.PubSub, Name = name, DeadLetterTopic = ShopNames.Topics.DeadLetter })
                .WithBulkSubscribe(_batches);
    }

    /// <summary>
    /// The batch's events of one type, applied together as one unit of work by <see cref="BatchIngest"/> (the behaviour
    /// ingest's and the fraud features' part of each); one that does not read as one, or that an ingest finds malformed,
    /// is dropped without holding back the others. An entry asked to retry is retried (each ingest skips what it already
    /// applied).
    /// </summary>
    public static async Task<Ok<BulkSubscriptionReply>> Handle<T>(BulkSubscribeMessage<JsonElement> batch, BatchIngest ingest, CancellationToken cancellationToken)
        where T : class, IIntegrationEvent =>
        TypedResults.Ok(await BulkSubscriptionReply.AllAsync<T>(batch, events => ingest.ApplyAsync(events, cancellationToken)));
}
