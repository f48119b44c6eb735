using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapr;
using Dapr.AspNetCore;
using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Contracts.Common;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Shipping;
using ShopDapr.Ordering.Infrastructure;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Events;

namespace ShopDapr.Ordering.Api;

/// <summary>
/// Every subscription of ordering, in one place: <c>order-events</c> routed by CloudEvent type (ShipmentDelivered →
/// OrderDelivered; anything else acknowledged and ignored), and <c>deadletter</c> kept for the admin view.
/// <para>
/// <c>order-events</c> is a bulk subscription: the topic carries every order's history (half a dozen events per order,
/// ordering's own among them) and ordering needs one type of it, so the sidecar hands them over in batches
/// (<see cref="BulkBatches"/>), routed per event, instead of one HTTP request each. Each entry gets its own status: one poison event is dropped to the
/// dead-letter topic without holding back the rest.
/// </para>
/// </summary>
public static partial class OrderSubscriptions
{
    public const string ShipmentDeliveredRoute = "/events/order-events/shipment-delivered";
    public const string OtherOrderEventsRoute = "/events/order-events/other";
    public const string DeadLetterRoute = "/events/deadletter";


    public static IEndpointRouteBuilder MapOrderSubscriptions(this IEndpointRouteBuilder routes)
    {
        var events = routes.MapGroup("").WithTags("Subscriptions").RequireAuthorization(ShopNames.Policies.DaprSidecar);
        var batches = BulkBatches.For(ShopNames.Topics.OrderEvents);
        events.MapPost(ShipmentDeliveredRoute, OnShipmentDeliveries).WithTopic(new TopicOptions
        {
            PubsubName = ShopNames.Components.PubSub,
            Name = ShopNames.Topics.OrderEvents,
            DeadLetterTopic = ShopNames.Topics.DeadLetter,
            Match = $"event.type == \"{nameof(ShipmentDelivered)}\"",
            Priority = 1,
        }).WithBulkSubscribe(batches);
        // The default route: the topic carries every order-related event; the ones ordering does not need are acknowledged.
        events.MapPost(OtherOrderEventsRoute, (BulkSubscribeMessage<JsonElement> batch) =>
            TypedResults.Ok(BulkSubscriptionReply.AllSucceeded(batch))).WithTopic(new TopicOptions
        {
            PubsubName = ShopNames.Components.PubSub,
            Name = ShopNames.Topics.OrderEvents,
            DeadLetterTopic = ShopNames.Topics.DeadLetter,
        }).WithBulkSubscribe(batches);
        // Raw: the dead-lettered message is delivered as it was published (the original CloudEvent, with its type and source).
        // The one subscription without a dead-letter topic: a dead letter that fails here must not go round again.
        events.MapPost(DeadLetterRoute, OnDeadLetter).WithTopic(ShopNames.Components.PubSub, ShopNames.Topics.DeadLetter, enableRawPayload: true);

        routes.MapGet("/api/orders/admin/deadletters", ListDeadLetters).WithTags("Orders").RequireAuthorization(ShopNames.Policies.Admin);
        return routes;
    }

    /// <summary>
    /// A batch of ShipmentDelivered events, one after the other, each answered on its own (<see cref="DeliverAsync"/>);
    /// an entry whose data is not a delivery of an order is dropped to the dead-letter topic.
    /// </summary>
    public static async Task<Ok<BulkSubscriptionReply>> OnShipmentDeliveries(
        BulkSubscribeMessage<JsonElement> batch, OrderEventStore events, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(OrderSubscriptions));
        return TypedResults.Ok(await BulkSubscriptionReply.EachAsync<ShipmentDelivered>(batch, delivered =>
            delivered.OrderId == Guid.Empty ? Task.FromResult(SubscriptionReply.Drop) : DeliverAsync(delivered, events, logger, cancellationToken)));
    }

    /// <summary>
    /// Appends <see cref="OrderDelivered"/> once (its event id is derived from the order id, so a re-delivery appends
    /// nothing). An unknown order is dropped (to the dead-letter topic); an order not yet completed is retried; a
    /// cancelled order's delivery is acknowledged and logged.
    /// </summary>
    internal static async Task<SubscriptionReply> DeliverAsync(
        ShipmentDelivered delivered, OrderEventStore events, ILogger logger, CancellationToken cancellationToken)
    {
        var order = await events.LoadAsync(delivered.OrderId, cancellationToken);
        if (order is null)
        {
            LogUnknownOrder(logger, delivered.OrderId);
            return SubscriptionReply.Drop;
        }
        if (order.Status is OrderStatus.Delivered)
            return SubscriptionReply.Success;
        if (order.Status is OrderStatus.Cancelled)
        {
            LogIgnoredDelivery(logger, delivered.OrderId, order.Status);
            return SubscriptionReply.Success;
        }
        if (order.Status is not OrderStatus.Completed)
            return SubscriptionReply.Retry;
        var eventId = DeliveredEventId(delivered.OrderId);
        await events.AppendAsync(order.Id, eventId, version =>
            new OrderDelivered(eventId, order.Id, version, order.CustomerId, order.CustomerEmail, delivered.OccurredAt), cancellationToken);
        return SubscriptionReply.Success;
    }

    public static async Task<Ok> OnDeadLetter(HttpRequest request, DeadLetterStore letters, TimeProvider time, CancellationToken cancellationToken)
    {
        JsonElement message;
        try
        {
            message = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            // Not JSON: keep it as text so the admin still sees it.
            message = JsonSerializer.SerializeToElement("(a message that is not JSON)");
        }
        string? Field(string name) =>
            message.ValueKind == JsonValueKind.Object && message.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var id = Field("id") ?? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(message.GetRawText())));
        await letters.KeepAsync(new DeadLetter(id, Field("type"), Field("source"), Field("topic"), time.GetUtcNow(), message), cancellationToken);
        return TypedResults.Ok();
    }

    public static async Task<Results<Ok<PagedList<DeadLetter>>, ValidationProblem>> ListDeadLetters(
        DeadLetterStore letters, CancellationToken cancellationToken, int page = 1, int pageSize = 50)
    {
        if (Paging.Check(page, pageSize) is { } bad)
            return bad;
        var all = await letters.ReadAsync(cancellationToken);
        return TypedResults.Ok(new PagedList<DeadLetter>([.. Paging.Page(all, page, pageSize)], all.Count, page, pageSize));
    }

    /// <summary>Stable per order: the same delivery appended twice is one event.</summary>
    internal static Guid DeliveredEventId(Guid orderId) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{nameof(OrderDelivered)}:{orderId}")).AsSpan(0, 16));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped the delivery of order {OrderId}: there is no such order")]
    private static partial void LogUnknownOrder(ILogger logger, Guid orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored the delivery of order {OrderId}, which is {Status}")]
    private static partial void LogIgnoredDelivery(ILogger logger, Guid orderId, OrderStatus status);
}
