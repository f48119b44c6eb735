using System.Diagnostics;
using System.Text.Json;
using Dapr.AspNetCore;
using ShopDapr.ServiceDefaults.Telemetry;

namespace ShopDapr.ServiceDefaults.Events;

/// <summary>
/// The body Dapr reads from a subscriber: <c>{"status": "SUCCESS" | "RETRY" | "DROP"}</c>. RETRY asks for redelivery
/// (under the pub/sub resiliency policy); DROP sends the message to the subscription's dead-letter topic.
/// </summary>
public sealed record SubscriptionReply(string Status)
{
    public static SubscriptionReply Success { get; } = new("SUCCESS");
    public static SubscriptionReply Retry { get; } = new("RETRY");
    public static SubscriptionReply Drop { get; } = new("DROP");
}

/// <summary>
/// The body Dapr reads from a bulk subscriber: <c>{"statuses": [{"entryId": …, "status": "SUCCESS" | "RETRY" | "DROP"}]}</c>,
/// one status per entry of the batch (an entry left out is retried).
/// </summary>
public sealed record BulkSubscriptionReply(IReadOnlyList<BulkEntryStatus> Statuses)
{
    /// <summary>Every entry of the batch handled (acknowledged).</summary>
    public static BulkSubscriptionReply AllSucceeded(BulkSubscribeMessage<JsonElement> batch) =>
        new([.. Entries(batch).Select(e => new BulkEntryStatus(e.EntryId, SubscriptionReply.Success.Status))]);

    /// <summary>
    /// Each entry of the batch through <paramref name="handle"/> with the data of its CloudEvent, one after the other;
    /// an entry whose data does not read as <typeparamref name="T"/> is dropped (to the dead-letter topic) without
    /// holding back the rest.
    /// </summary>
    public static Task<BulkSubscriptionReply> EachAsync<T>(BulkSubscribeMessage<JsonElement> batch, Func<T, Task<SubscriptionReply>> handle)
        where T : class =>
        EachAsync<T>(batch, (data, _) => handle(data), needsId: false);

    /// <summary>
    /// As <see cref="EachAsync{T}(BulkSubscribeMessage{JsonElement}, Func{T, Task{SubscriptionReply}})"/>, with the
    /// CloudEvent <c>id</c> beside the data (the same for every redelivery: what a subscriber de-duplicates on); an entry
    /// without an id is dropped too.
    /// </summary>
    public static Task<BulkSubscriptionReply> EachAsync<T>(BulkSubscribeMessage<JsonElement> batch, Func<T, string, Task<SubscriptionReply>> handle)
        where T : class =>
        EachAsync<T>(batch, (data, id) => handle(data, id!), needsId: true);

    private static async Task<BulkSubscriptionReply> EachAsync<T>(BulkSubscribeMessage<JsonElement> batch, Func<T, string?, Task<SubscriptionReply>> handle, bool needsId)
        where T : class
    {
        var statuses = new List<BulkEntryStatus>();
        foreach (var entry in Entries(batch))
        {
            using var span = EventTelemetry.Handling(entry.Event);
            var id = IdOf(entry.Event);
            var reply = DataOf<T>(entry.Event) is { } data && (id is not null || !needsId) ? await handle(data, id) : SubscriptionReply.Drop;
            span?.SetTag("dapr.subscription.status", reply.Status);
            statuses.Add(new BulkEntryStatus(entry.EntryId, reply.Status));
        }
        return new(statuses);
    }

    /// <summary>
    /// The whole batch through <paramref name="handle"/> in one call, for a subscriber that applies a batch as one unit
    /// of work: the data and CloudEvent <c>id</c> of every entry that reads as <typeparamref name="T"/>, in order, and
    /// one reply for each; an entry whose data does not read as one, or without an id, is dropped (to the dead-letter
    /// topic) without holding back the rest. Each entry still gets its span in its own publisher's trace, open while the
    /// batch is handled; the spans are side by side (none the parent of the next), and the handler runs in the delivery's
    /// own span, since its calls serve every entry at once.
    /// </summary>
    public static async Task<BulkSubscriptionReply> AllAsync<T>(
        BulkSubscribeMessage<JsonElement> batch, Func<IReadOnlyList<(T Data, string Id)>, Task<IReadOnlyList<SubscriptionReply>>> handle)
        where T : class
    {
        var entries = Entries(batch).ToList();
        var delivery = Activity.Current;
        var spans = new List<Activity?>(entries.Count);
        foreach (var entry in entries)
        {
            spans.Add(EventTelemetry.Handling(entry.Event));
            Activity.Current = delivery; // starting a span makes it current: the next entry's must not be its child
        }
        try
        {
            var read = entries.Select(e => (Data: DataOf<T>(e.Event), Id: IdOf(e.Event))).ToList();
            var readable = Enumerable.Range(0, entries.Count).Where(i => read[i].Data is not null && read[i].Id is not null).ToList();
            var replies = readable.Count == 0 ? [] : await handle([.. readable.Select(i => (read[i].Data!, read[i].Id!))]);
            if (replies.Count != readable.Count)
                throw new InvalidOperationException($"The handler answered {replies.Count} of {readable.Count} entries.");
            var statuses = Enumerable.Repeat(SubscriptionReply.Drop, entries.Count).ToArray();
            for (var r = 0; r < readable.Count; r++)
                statuses[readable[r]] = replies[r];
            for (var i = 0; i < entries.Count; i++)
                spans[i]?.SetTag("dapr.subscription.status", statuses[i].Status);
            return new([.. entries.Select((e, i) => new BulkEntryStatus(e.EntryId, statuses[i].Status))]);
        }
        finally
        {
            for (var i = spans.Count - 1; i >= 0; i--)
                spans[i]?.Dispose();
        }
    }

    private static string? IdOf(JsonElement cloudEvent) =>
        cloudEvent.ValueKind == JsonValueKind.Object && cloudEvent.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } text ? text : null;

    /// <summary>The entries a sidecar can be answered about (an entry without an id cannot be; a batch without entries has none).</summary>
    private static IEnumerable<BulkSubscribeMessageEntry<JsonElement>> Entries(BulkSubscribeMessage<JsonElement> batch) =>
        (batch.Entries ?? []).Where(e => !string.IsNullOrEmpty(e?.EntryId));

    /// <summary>The <c>data</c> of a CloudEvent as <typeparamref name="T"/>; null when it is missing or does not read as one.</summary>
    private static T? DataOf<T>(JsonElement cloudEvent)
        where T : class
    {
        if (cloudEvent.ValueKind != JsonValueKind.Object || !cloudEvent.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            return null;
        try
        {
            return data.Deserialize<T>(JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>What became of one entry of a bulk delivery.</summary>
public sealed record BulkEntryStatus(string EntryId, string Status);

/// <summary>
/// How the shop's bulk subscriptions batch (the busy topics: <c>order-events</c>, <c>inventory-events</c>): up to
/// <see cref="MaxMessages"/> events per delivery, or what arrived within <see cref="MaxWaitMs"/> ms of the first.
/// </summary>
public static class BulkBatches
{
    public const int MaxMessages = 100;
    public const int MaxWaitMs = 250;

    public static BulkSubscribeTopicOptions For(string topic) =>
        new() { TopicName = topic, MaxMessagesCount = MaxMessages, MaxAwaitDurationMs = MaxWaitMs };
}
