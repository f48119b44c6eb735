using Dapr;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Notifications.Emails;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Events;

namespace ShopDapr.Notifications.Api;

/// <summary>
/// Every subscription of notifications, in one place: <c>order-events</c> routed by CloudEvent <c>type</c> (one route per
/// customer-facing event), a default route that acknowledges the rest, and <c>deadletter</c> for what cannot be delivered.
/// </summary>
public static class OrderEventSubscriptions
{
    public const string Prefix = "/events/order-events";

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
        events.MapPost("/other", () => TypedResults.Ok(SubscriptionReply.Success))
            .WithTopic(new TopicOptions { PubsubName = ShopNames.Components.PubSub, Name = ShopNames.Topics.OrderEvents, DeadLetterTopic = ShopNames.Topics.DeadLetter });
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
        });
    }

    /// <summary>
    /// The event, unwrapped from its CloudEvent by <c>UseCloudEvents</c>. A generic parameter's nullability is unknown to
    /// minimal APIs, so an empty body binds as null: a delivery that can never be handled, dropped to the dead-letter
    /// topic like data that does not bind at all (ServiceDefaults answers those DROP).
    /// </summary>
    public static async Task<IResult> Handle<T>(T? orderEvent, Notifier notifier, CancellationToken cancellationToken)
        where T : class, IOrderEvent =>
        orderEvent is null
            ? TypedResults.Ok(SubscriptionReply.Drop)
            : await notifier.HandleAsync(orderEvent, cancellationToken) switch
            {
                Delivery.Success => TypedResults.Ok(SubscriptionReply.Success),
                Delivery.Retry => TypedResults.Ok(SubscriptionReply.Retry),
                _ => TypedResults.Ok(SubscriptionReply.Drop),
            };
}
