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
