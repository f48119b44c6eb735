using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Resiliency;

namespace ShopDapr.DevSidecar.PubSub.Subscriptions;

/// <summary>
/// A bulk subscription (dapr <c>pkg/runtime/subscription/bulksubscription.go</c> over the default bulk subscriber): events
/// are batched up to <c>maxMessagesCount</c> or <c>maxAwaitDurationMs</c> after the first, grouped by route, and POSTed as
/// <c>{id, type, topic, pubsubname, metadata, entries:[{entryId, event, contentType, metadata}]}</c>. The app answers
/// <c>{statuses:[{entryId, status}]}</c>; an entry with RETRY, an empty or unknown status, or no answer is retried by the
/// inbound policy, then dead-lettered or logged; DROP dead-letters; HTTP 404 drops the batch. On a redelivering broker
/// each message's handler waits for its entry's outcome (as daprd's default bulk subscriber does), so a message that
/// failed without a dead-letter topic stays with the broker.
/// The batch queue is bounded (two batches): a full one holds the broker's worker, so back-pressure reaches the publisher.
/// </summary>
internal sealed class BulkDelivery : SubscriptionDelivery, IAsyncDisposable
{
    private readonly Channel<Queued> _queue;
    private readonly BulkSubscribeOptions _options;
    private readonly InFlightWork _inFlight;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public BulkDelivery(
        SubscriptionInfo info, IPubSub pubsub, AppChannel app, Publisher publisher, IResiliencyPolicies resiliency, TimeProvider time, ILogger logger,
        InFlightWork inFlight)
        : base(info, pubsub, app, publisher, resiliency, time, logger)
    {
        _options = info.BulkSubscribe!;
        _inFlight = inFlight;
        _queue = Channel.CreateBounded<Queued>(new BoundedChannelOptions(2 * Math.Max(1, _options.MaxMessagesCount))
        {
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>
    /// Queues the message for the next batch, waiting while two batches are already queued; on a redelivering broker,
    /// then waits for the entry's outcome.
    /// </summary>
    public override async Task HandleAsync(PubSubMessage message, CancellationToken cancellationToken)
    {
        var done = Redelivers ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        _inFlight.Begin(); // before the broker counts its delivery done: the message is never counted nowhere
        try
        {
            var queued = new Queued(message, done);
            if (!_queue.Writer.TryWrite(queued))
                await _queue.Writer.WriteAsync(queued, cancellationToken);
        }
        catch (ChannelClosedException) when (done is not null)
        {
            _inFlight.End();
            throw new MessageNotDeliveredException("the subscription is closing");
        }
        catch
        {
            _inFlight.End();
            throw;
        }
        if (done is not null)
            await done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>A message and, on a redelivering broker, the outcome its handler waits for.</summary>
    private sealed record Queued(PubSubMessage Message, TaskCompletionSource? Done);

    /// <summary>Rejects one entry; the outcome goes to the handler waiting for it.</summary>
    private async Task SettleRejectAsync(Queued q, string? id, string reason, bool dropped, CancellationToken ct)
    {
        try
        {
            await RejectAsync(q.Message, id, reason, dropped, ct);
            q.Done?.TrySetResult();
        }
        catch (Exception e) when (q.Done is not null)
        {
            q.Done.TrySetException(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        while (_queue.Reader.TryRead(out var q))
        {
            q.Done?.TrySetException(new MessageNotDeliveredException("the subscription closed")); // a redelivering broker keeps it
            _inFlight.End(); // lost with the subscription, as in daprd's in-memory bus
        }
    }

    private async Task LoopAsync()
    {
        var ct = _stop.Token;
        var batch = new List<Queued>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(ct))
            {
                using (var timer = new CancellationTokenSource(TimeSpan.FromMilliseconds(_options.MaxAwaitDurationMs), Time))
                using (var window = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token))
                {
                    try
                    {
                        while (batch.Count < _options.MaxMessagesCount)
                        {
                            if (_queue.Reader.TryRead(out var m))
                                batch.Add(m);
                            else if (!await _queue.Reader.WaitToReadAsync(window.Token))
                                break;
                        }
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        // maxAwaitDurationMs is up: send what we have.
                    }
                }
                try
                {
                    await DeliverBatchAsync(batch, ct);
                }
                finally
                {
                    foreach (var _ in batch)
                        _inFlight.End();
                    batch.Clear();
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            foreach (var q in batch)
            {
                q.Done?.TrySetCanceled(ct);
                _inFlight.End();
            }
            batch.Clear();
            // Shutting down: what is still queued goes with the in-memory broker, as in daprd.
        }
    }

    private async Task DeliverBatchAsync(List<Queued> batch, CancellationToken ct)
    {
        var byPath = new Dictionary<string, List<Entry>>(StringComparer.Ordinal);
        foreach (var q in batch)
        {
            var message = q.Message;
            if (!TryReadEvent(message, out var cloudEvent, out var problem))
            {
                await SettleRejectAsync(q, null, problem, dropped: false, ct);
                continue;
            }
            var id = CloudEvents.Text(cloudEvent, "id");
            if (!RawPayload && CloudEvents.HasExpired(cloudEvent, Time.GetUtcNow()))
            {
                await SettleRejectAsync(q, id, "expired", dropped: true, ct);
                continue;
            }
            string? path;
            try
            {
                path = Rules.Match(cloudEvent);
            }
            catch (RoutingException e)
            {
                await SettleRejectAsync(q, id, e.Message, dropped: false, ct);
                continue;
            }
            if (path is null)
            {
                await SettleRejectAsync(q, id, "no routing rule matches", dropped: true, ct);
                continue;
            }
            var entry = RawPayload
                ? new Entry(Guid.NewGuid().ToString(), q, id, JsonValue.Create(Convert.ToBase64String(message.Data.Span)), ContentTypes.OctetStream)
                : new Entry(Guid.NewGuid().ToString(), q, id, cloudEvent, message.ContentType ?? ContentTypes.CloudEventJson);
            (byPath.TryGetValue(path, out var list) ? list : byPath[path] = []).Add(entry);
        }
        foreach (var (path, entries) in byPath)
            await DeliverPathAsync(path, entries, ct);
    }

    private async Task DeliverPathAsync(string path, List<Entry> entries, CancellationToken ct)
    {
        var pending = entries.ToDictionary(e => e.EntryId);
        var dropped = new List<Entry>();
        try
        {
            await Resiliency.ForComponent(Info.PubsubName, ComponentDirection.Inbound).ExecuteAsync(async token =>
            {
                var answer = await SendAsync(path, pending.Values.ToList(), token);
                if (answer is null)
                {
                    foreach (var e in pending.Values)
                        e.Queued.Done?.TrySetResult();
                    pending.Clear(); // 404: the whole batch is dropped, as daprd does
                    return;
                }
                foreach (var s in answer)
                {
                    if (s.EntryId is null || !pending.TryGetValue(s.EntryId, out var e))
                        continue;
                    if (s.Status == "SUCCESS")
                    {
                        pending.Remove(s.EntryId);
                        e.Queued.Done?.TrySetResult();
                    }
                    else if (s.Status == "DROP")
                    {
                        pending.Remove(s.EntryId);
                        dropped.Add(e);
                    }
                }
                if (pending.Count > 0)
                    throw new RetriableDeliveryException($"{pending.Count} of the bulk entries were not processed (RETRY, empty or unknown status, or no answer)");
            }, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            foreach (var entry in pending.Values)
                await SettleRejectAsync(entry.Queued, entry.EventId, e.Message, dropped: false, ct);
        }
        foreach (var entry in dropped)
            await SettleRejectAsync(entry.Queued, entry.EventId, "the app dropped it (DROP status)", dropped: true, ct);
    }

    /// <summary>The per-entry statuses, or null when the app answered 404.</summary>
    private async Task<List<EntryStatus>?> SendAsync(string path, List<Entry> entries, CancellationToken ct)
    {
        var envelope = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["type"] = CloudEvents.DefaultBulkType,
            ["topic"] = Info.Topic,
            ["pubsubname"] = Info.PubsubName,
            ["metadata"] = new JsonObject { ["pubsubName"] = Info.PubsubName },
            ["entries"] = new JsonArray(entries.Select(e => (JsonNode)new JsonObject
            {
                ["entryId"] = e.EntryId,
                ["event"] = e.Event.DeepClone(),
                ["metadata"] = new JsonObject(e.Message.Metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value))),
                ["contentType"] = e.ContentType,
            }).ToArray()),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/'))
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(envelope)) { Headers = { ContentType = new(ContentTypes.Json) } },
        };
        AppDelivery.AddMetadataHeaders(request, new Dictionary<string, string> { ["pubsubName"] = Info.PubsubName });
        HttpResponseMessage response;
        try
        {
            response = await App.Client.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new RetriableDeliveryException($"error from app channel while sending bulk pub/sub event to app: {e.Message}", e);
        }
        using (response)
        {
            var code = (int)response.StatusCode;
            if (code == 404)
                return null;
            if (code is < 200 or > 299)
                throw new RetriableDeliveryException($"Retriable error returned from app while processing bulk pub/sub event, topic: {Info.Topic}. status code returned: {code}");
            try
            {
                var answer = await response.Content.ReadFromJsonAsync<BulkAnswer>(PubSubJson.Options, ct);
                return answer?.Statuses ?? [];
            }
            catch (JsonException e)
            {
                throw new RetriableDeliveryException($"failed unmarshalling app response for bulk subscribe: {e.Message}", e);
            }
        }
    }

    private sealed record Entry(string EntryId, Queued Queued, string? EventId, JsonNode Event, string ContentType)
    {
        public PubSubMessage Message => Queued.Message;
    }

    private sealed record BulkAnswer(List<EntryStatus>? Statuses);

    private sealed record EntryStatus(string? EntryId, string? Status);
}
