namespace ShopDapr.Contracts.Analytics;

/// <summary>Someone opened a product page (topic <c>user-behavior</c>); <paramref name="UserId"/> is null when anonymous.</summary>
public sealed record ProductViewed(Guid ProductId, string? UserId, DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>Someone searched the catalog (topic <c>user-behavior</c>).</summary>
public sealed record SearchPerformed(string Query, int ResultCount, string? UserId, DateTimeOffset OccurredAt) : IIntegrationEvent;
