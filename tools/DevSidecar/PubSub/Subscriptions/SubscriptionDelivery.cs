using System.Text.Json;
using System.Text.Json.Nodes;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Resiliency;

namespace ShopDapr.DevSidecar.PubSub.Subscriptions;

/// <summary>
/// One live subscription of one sidecar; each call delivers one event (dapr <c>pkg/runtime/subscription/subscription.go</c>):
/// read the CloudEvent (or wrap a raw payload), drop it when expired, pick the route, POST it to the app under the
/// component's inbound resiliency policy (daprd retries nothing by itself). A dropped event, one that failed after its
/// retries, one whose rule could not be evaluated and one no rule matches go to the dead-letter topic when there is one,
/// otherwise they are logged with their id and topic. While the app is down (<see cref="AppHealth"/>) an event is not
/// delivered but refused with <see cref="ReplicaUnavailableException"/>, so the broker hands it to another replica.
/// </summary>
internal class SubscriptionDelivery(
    SubscriptionInfo info, IPubSub pubsub, AppChannel app, Publisher publisher, IResiliencyPolicies resiliency, TimeProvider time, ILogger logger)
{
    protected SubscriptionInfo Info { get; } = info;
    protected AppChannel App { get; } = app;
    protected IResiliencyPolicies Resiliency { get; } = resiliency;
    protected TimeProvider Time { get; } = time;
    protected ILogger Logger { get; } = logger;
    protected RoutingRules Rules { get; } = new(info.Rules);
    protected bool RawPayload { get; } = Publisher.TryGetRawPayload(info.Metadata, out var raw) && raw;

    /// <summary>The broker keeps an unacknowledged message and delivers it again (Redis Streams, RabbitMQ).</summary>
    protected bool Redelivers { get; } = pubsub is IRedeliveringPubSub;

    public virtual async Task HandleAsync(PubSubMessage message, CancellationToken cancellationToken)
    {
        if (App.Health.IsDown)
            throw new ReplicaUnavailableException(App.AppId, App.Health.Reason);
        if (!TryReadEvent(message, out var cloudEvent, out var problem))
        {
            await RejectAsync(message, null, problem, dropped: false, cancellationToken);
            return;
        }
        var id = CloudEvents.Text(cloudEvent, "id");
        if (CloudEvents.HasExpired(cloudEvent, Time.GetUtcNow()))
        {
            await RejectAsync(message, id, $"expired as of {CloudEvents.Text(cloudEvent, "expiration")}", dropped: true, cancellationToken);
            return;
        }
        string? path;
        try
        {
            path = Rules.Match(cloudEvent);
        }
        catch (RoutingException e)
        {
            await RejectAsync(message, id, e.Message, dropped: false, cancellationToken);
            return;
        }
        if (path is null)
        {
            await RejectAsync(message, id, "no routing rule matches", dropped: true, cancellationToken);
            return;
        }

        var body = RawPayload ? JsonSerializer.SerializeToUtf8Bytes(cloudEvent) : message.Data;
        var headers = new Dictionary<string, string>(message.Metadata) { ["pubsubName"] = Info.PubsubName };
        if ((CloudEvents.Text(cloudEvent, "traceparent") ?? CloudEvents.Text(cloudEvent, "traceid")) is { Length: > 0 } trace)
        {
            // daprd calls the app in a span that continues the event's trace.
            var (parent, state) = TraceContext.ForPublish(trace, CloudEvents.Text(cloudEvent, "tracestate"));
            headers["traceparent"] = parent;
            if (state.Length > 0)
                headers["tracestate"] = state;
        }
        DeliveryOutcome outcome;
        try
        {
            outcome = await Resiliency.ForComponent(Info.PubsubName, ComponentDirection.Inbound).ExecuteAsync(async ct =>
            {
                try
                {
                    return await AppDelivery.DeliverAsync(App, path, body, id ?? "", headers, ct);
                }
                catch (RetriableDeliveryException e) when (e.InnerException is { } refused && AppHealth.IsRefused(refused))
                {
                    // The app is gone and never saw this event: another replica takes it (not a failure to retry or dead-letter).
                    throw new ReplicaUnavailableException(App.AppId, refused.Message);
                }
                catch (RetriableDeliveryException e)
                {
                    PubSubLog.Retriable(Logger, id, message.Topic, e.Message);
                    throw;
                }
            }, cancellationToken);
        }
        catch (Exception e) when (e is not ReplicaUnavailableException && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            await RejectAsync(message, id, e.Message, dropped: false, cancellationToken);
            return;
        }
        if (outcome == DeliveryOutcome.Drop)
            await RejectAsync(message, id, "the app dropped it (DROP status or 404)", dropped: true, cancellationToken);
    }

    /// <summary>Reads the event as daprd does: a raw payload is wrapped, anything else must be a JSON CloudEvent.</summary>
    protected bool TryReadEvent(PubSubMessage message, out JsonObject cloudEvent, out string problem)
    {
        problem = "";
        if (RawPayload)
        {
            cloudEvent = CloudEvents.FromRawPayload(message.Data.Span, message.Topic, Info.PubsubName);
            if (message.Metadata.TryGetValue("traceid", out var traceId))
                cloudEvent["traceid"] = traceId;
            if (message.Metadata.TryGetValue("traceparent", out var traceParent))
                cloudEvent["traceid"] = cloudEvent["traceparent"] = traceParent;
            if (message.Metadata.TryGetValue("tracestate", out var traceState))
                cloudEvent["tracestate"] = traceState;
            return true;
        }
        try
        {
            if (JsonNode.Parse(message.Data.Span) is JsonObject o)
            {
                cloudEvent = o;
                return true;
            }
            problem = "the message is not a JSON object";
        }
        catch (JsonException e)
        {
            problem = e.Message;
        }
        cloudEvent = [];
        problem = $"error deserializing cloud event in pubsub {Info.PubsubName} and topic {message.Topic}: {problem}";
        return false;
    }

    /// <summary>
    /// To the dead-letter topic when the subscription has one, else logged: never silently lost. A failure (not a drop) on a
    /// redelivering broker throws <see cref="MessageNotDeliveredException"/> so the broker keeps the message, as daprd hands
    /// the error back to the component when no dead-letter topic took it.
    /// </summary>
    protected async Task RejectAsync(PubSubMessage message, string? id, string reason, bool dropped, CancellationToken cancellationToken)
    {
        if (Info.DeadLetterTopic is { } dlq)
        {
            try
            {
                await publisher.SendToDeadLetterAsync(Info.PubsubName, pubsub, message, dlq, cancellationToken);
                PubSubLog.DeadLettered(Logger, id, message.Topic, Info.PubsubName, dlq, reason);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                PubSubLog.DeadLetterFailed(Logger, e, id, message.Topic, Info.PubsubName, dlq);
            }
        }
        if (!dropped && Redelivers)
        {
            PubSubLog.KeptForRedelivery(Logger, id, message.Topic, Info.PubsubName, reason);
            throw new MessageNotDeliveredException(reason);
        }
        if (dropped)
            PubSubLog.Dropped(Logger, id, message.Topic, Info.PubsubName, reason);
        else
            PubSubLog.Lost(Logger, id, message.Topic, Info.PubsubName, reason);
    }
}
