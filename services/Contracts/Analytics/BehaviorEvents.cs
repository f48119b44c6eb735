namespace ShopDapr.Contracts.Analytics;

/// <summary>
/// Someone opened a product page (topic <c>user-behavior</c>); <paramref name="UserId"/> is null when anonymous.
/// <paramref name="Category"/>, <paramref name="Sku"/> and <paramref name="Price"/> are the product's as it was shown
/// (null from publishers that predate them).
/// </summary>
public sealed record ProductViewed(
    Guid ProductId, string? UserId, DateTimeOffset OccurredAt, string? Category = null, string? Sku = null, decimal? Price = null) : IIntegrationEvent;

/// <summary>Someone searched the catalog (topic <c>user-behavior</c>).</summary>
public sealed record SearchPerformed(string Query, int ResultCount, string? UserId, DateTimeOffset OccurredAt) : IIntegrationEvent;
