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
    /// <summary>Every entry handled (acknowledged).</summary>
    public static BulkSubscriptionReply AllSucceeded(IEnumerable<string> entryIds) =>
        new([.. entryIds.Select(id => new BulkEntryStatus(id, SubscriptionReply.Success.Status))]);
}

/// <summary>What became of one entry of a bulk delivery.</summary>
public sealed record BulkEntryStatus(string EntryId, string Status);
