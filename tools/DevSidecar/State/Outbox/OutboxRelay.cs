using System.Text.Json;
using System.Text.Json.Nodes;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.PubSub;

namespace ShopDapr.DevSidecar.State.Outbox;

/// <summary>
/// The handler of one store's internal outbox topic (daprd's SubscribeToInternalTopics): waits until the transaction's
/// marker is in the store, publishes the event to the user topic with <c>topic</c> and <c>pubsubname</c> set to it, then
/// deletes the marker. A marker that never appears (the transaction failed) is, after daprd's wait, dropped with
/// <c>outboxDiscardWhenMissingState</c> or handed back to the broker as a failure (which redelivers it or not by its own
/// rules). A failed user publish is handed back the same way; a redelivered event keeps its id.
/// </summary>
internal sealed partial class OutboxRelay(
    OutboxSettings settings, IStateStore store, StateOutbox outbox, SidecarContext sidecar, Publisher publisher, TimeProvider time, ILogger logger)
{
    /// <summary>daprd's backoff while it looks for the marker: 500 ms, times 3, at most 3 s apart, 10 s in all.</summary>
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan MaxElapsed = TimeSpan.FromSeconds(10);

    public async Task HandleAsync(PubSubMessage message, CancellationToken cancellationToken)
    {
        var cloudEvent = JsonNode.Parse(message.Data.Span) as JsonObject
                         ?? throw new JsonException("the internal outbox message is not a JSON object");
        var id = CloudEvents.Text(cloudEvent, "id") ?? "";
        if (!await CommittedAsync(id, cancellationToken))
        {
            if (settings.DiscardWhenMissingState)
            {
                Discarded(logger, id, settings.PublishPubsub, settings.Store);
                return;
            }
            Rejected(logger, id, settings.PublishPubsub, settings.Store);
            throw new InvalidOperationException(
                $"cannot publish outbox message to topic {settings.PublishTopic} with pubsub {settings.PublishPubsub}: outbox state not found");
        }

        cloudEvent["topic"] = settings.PublishTopic;
        cloudEvent["pubsubname"] = settings.PublishPubsub;
        if (!sidecar.Components.TryGet<IPubSub>(settings.PublishPubsub, out var pubsub))
            throw new InvalidOperationException($"pubsub {settings.PublishPubsub} is not found");
        await publisher.SendAsync(settings.PublishPubsub, pubsub, new PubSubMessage(settings.PublishTopic,
            JsonSerializer.SerializeToUtf8Bytes(cloudEvent), new Dictionary<string, string>(), CloudEvents.Text(cloudEvent, "datacontenttype")), cancellationToken);
        await RetryAsync(async ct => { await store.TransactAsync([new StateDelete(id)], ct); return true; }, cancellationToken);
    }

    /// <summary>
    /// Whether the marker is in the store. daprd always sleeps <see cref="StateOutbox.StateScanDelay"/> before it first
    /// looks, so under daprd an outbox event reaches its subscribers a second or more after the commit. The dev sidecar
    /// looks at once, and when the marker is not there yet and the transaction is one of this sidecar's, waits for it to
    /// end instead (at most that same second): committed, it looks again; refused by the store before any write, it gives
    /// up at once (daprd gives up after its wait). Otherwise both wait as daprd does: a transaction whose call failed
    /// in another way may still have committed, and only the store can tell.
    /// </summary>
    private async Task<bool> CommittedAsync(string key, CancellationToken cancellationToken)
    {
        if (key.Length == 0)
            return false;
        if (await HasAsync(key, cancellationToken))
            return true;
        switch (await outbox.OutcomeHereAsync(key, StateOutbox.StateScanDelay, cancellationToken))
        {
            case OutboxCommit.Committed when await HasAsync(key, cancellationToken):
                return true;
            case OutboxCommit.Failed:
                return false; // refused by the store before it wrote anything: daprd would find no marker after its wait either
        }
        await Task.Delay(StateOutbox.StateScanDelay, time, cancellationToken);
        return await RetryAsync(ct => HasAsync(key, ct), cancellationToken);
    }

    private async Task<bool> HasAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await store.GetAsync(key, cancellationToken) is { Value.Length: > 0 };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false; // daprd's backoff retries a failed read like a missing key
        }
    }

    private async Task<bool> RetryAsync(Func<CancellationToken, Task<bool>> attempt, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var wait = FirstRetry;
        while (true)
        {
            Exception? error = null;
            try
            {
                if (await attempt(cancellationToken))
                    return true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                error = e;
            }
            if (time.GetElapsedTime(started) + wait > MaxElapsed)
            {
                if (error is not null)
                    throw error;
                return false;
            }
            await Task.Delay(wait, time, cancellationToken);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 3, MaxRetry.Ticks));
        }
    }

    [LoggerMessage(LogLevel.Error, "failed to publish outbox message {EventId} to pubsub {Pubsub}: the transaction's state never appeared in store {Store}, discarding message")]
    private static partial void Discarded(ILogger logger, string eventId, string pubsub, string store);

    [LoggerMessage(LogLevel.Error, "failed to publish outbox message {EventId} to pubsub {Pubsub}: the transaction's state never appeared in store {Store}, rejecting for later processing")]
    private static partial void Rejected(ILogger logger, string eventId, string pubsub, string store);
}
