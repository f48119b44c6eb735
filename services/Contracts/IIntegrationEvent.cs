namespace ShopDapr.Contracts;

/// <summary>
/// An event published on a Dapr pub/sub topic. Records named <c>&lt;Subject&gt;&lt;PastTense&gt;</c>; the CloudEvent
/// <c>type</c> is the record's name, which subscribers route on.
/// </summary>
public interface IIntegrationEvent
{
    /// <summary>When the fact happened (UTC).</summary>
    DateTimeOffset OccurredAt { get; }
}
