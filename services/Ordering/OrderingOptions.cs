using System.ComponentModel.DataAnnotations;
using ShopDapr.ServiceDefaults.Configuration;

namespace ShopDapr.Ordering;

/// <summary>Section <c>Ordering</c>.</summary>
public sealed class OrderingOptions
{
    public const string Section = "Ordering";

    /// <summary>How long a high-risk order waits for an admin's decision before it is rejected.</summary>
    [TimeSpanRange("00:00:01", "30.00:00:00")]
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the outbox relay looks for unpublished order events.</summary>
    [TimeSpanRange("00:00:00.050", "01:00:00")]
    public TimeSpan RelayInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many dead-lettered messages the admin view keeps (oldest dropped first).</summary>
    [Range(1, 10_000)]
    public int DeadLettersKept { get; set; } = 500;
}
