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
    /// The batch's entries whose data reads as <typeparamref name="T"/> handed to <paramref name="handle"/> all at once, in
    /// the batch's order, for a subscriber that does one unit of work per batch instead of per entry;
    /// <paramref name="handle"/> answers one reply per item, in the same order. An entry that does not read is dropped (to
    /// the dead-letter topic), as <see cref="EachAsync{T}(BulkSubscribeMessage{JsonElement}, Func{T, Task{SubscriptionReply}})"/> drops it.
    /// </summary>
    public static async Task<BulkSubscriptionReply> AllAsync<T>(BulkSubscribeMessage<JsonElement> batch, Func<IReadOnlyList<T>, Task<IReadOnlyList<SubscriptionReply>>> handle)
        where T : class
    {
        var entries = Entries(batch).ToList();
        var spans = new List<Activity?>(entries.Count);
        var outer = Activity.Current;
        foreach (var entry in entries)
        {
            spans.Add(EventTelemetry.Handling(entry.Event));
            Activity.Current = outer; // one span per entry, side by side rather than nested
        }
        try
        {
            var data = entries.Select(e => DataOf<T>(e.Event)).ToList();
            var readable = data.Where(d => d is not null).Select(d => d!).ToList();
            var replies = readable.Count == 0 ? [] : await handle(readable);
            if (replies.Count != readable.Count)
                throw new InvalidOperationException($"A batch handler answered {replies.Count} replies for {readable.Count} entries.");
            var next = 0;
            var statuses = data.Select(d => d is null ? SubscriptionReply.Drop : replies[next++]).ToList();
            for (var i = 0; i < entries.Count; i++)
                spans[i]?.SetTag("dapr.subscription.status", statuses[i].Status);
            return new([.. entries.Zip(statuses, (e, s) => new BulkEntryStatus(e.EntryId, s.Status))]);
        }
        finally
        {
            foreach (var span in spans)
                span?.Dispose();
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
