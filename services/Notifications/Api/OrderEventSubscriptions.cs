using System.Text.Json;
using Dapr;
using Dapr.AspNetCore;
using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Notifications.Emails;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Events;

namespace ShopDapr.Notifications.Api;

/// <summary>
/// Every subscription of notifications, in one place: <c>order-events</c> routed by CloudEvent <c>type</c> (one route per
/// customer-facing event), a default route that acknowledges the rest, and <c>deadletter</c> for what cannot be delivered.
/// <para>
/// A bulk subscription: the sidecar hands the topic's events over in batches (<see cref="BulkBatches"/>), routed per
/// event, instead of one HTTP request each; about half of
/// an order's events send no e-mail and are only acknowledged. Every entry gets its own status, so one event that cannot
/// be mailed is dropped (or retried) on its own.
/// </para>
/// </summary>
public static class OrderEventSubscriptions
{
    public const string Prefix = "/events/order-events";

    private static readonly BulkSubscribeTopicOptions Batches = BulkBatches.For(ShopNames.Topics.OrderEvents);

    public static IEndpointRouteBuilder MapOrderEventSubscriptions(this IEndpointRouteBuilder routes)
    {
        var events = routes.MapGroup(Prefix).WithTags("Subscriptions").RequireAuthorization(ShopNames.Policies.DaprSidecar);
        Subscribe<OrderSubmitted>(events, 1);
        Subscribe<OrderAwaitingApproval>(events, 2);
        Subscribe<OrderPaid>(events, 3);
        Subscribe<OrderShipped>(events, 4);
        Subscribe<OrderCompleted>(events, 5);
        Subscribe<OrderDelivered>(events, 6);
        Subscribe<OrderCancelled>(events, 7);
        events.MapPost("/other", (BulkSubscribeMessage<JsonElement> batch) => TypedResults.Ok(BulkSubscriptionReply.AllSucceeded(batch)))
            .WithTopic(new TopicOptions { PubsubName = ShopNames.Components.PubSub, Name = ShopNames.Topics.OrderEvents, DeadLetterTopic = ShopNames.Topics.DeadLetter })
            .WithBulkSubscribe(Batches);
        return routes;
    }

    private static void Subscribe<T>(RouteGroupBuilder events, int priority)
        where T : class, IOrderEvent
    {
        var type = typeof(T).Name;
        if (!OrderEmails.CustomerFacing.Contains(type))
            throw new InvalidOperationException($"{type} sends no e-mail; do not subscribe to it.");
        events.MapPost($"/{type}", Handle<T>).WithTopic(new TopicOptions
        {
            PubsubName = ShopNames.Components.PubSub,
            Name = ShopNames.Topics.OrderEvents,
            Match = $"event.type == \"{type}\"",
            Priority = priority,
            DeadLetterTopic = ShopNames.Topics.DeadLetter,
        }).WithBulkSubscribe(Batches);
    }

    /// <summary>The batch's events of one type, each through <see cref="Notifier"/>; an entry whose data is not one is dropped.</summary>
    public static async Task<Ok<BulkSubscriptionReply>> Handle<T>(BulkSubscribeMessage<JsonElement> batch, Notifier notifier, CancellationToken cancellationToken)
        where T : class, IOrderEvent =>
        TypedResults.Ok(await BulkSubscriptionReply.EachAsync<T>(batch, async orderEvent => await notifier.HandleAsync(orderEvent, cancellationToken) switch
        {
            Delivery.Success => SubscriptionReply.Success,
            Delivery.Retry => SubscriptionReply.Retry,
            _ => SubscriptionReply.Drop,
        }));
}
