namespace ShopDapr.Contracts.Identity;

/// <summary>A new customer registered (topic <c>user-behavior</c>).</summary>
public sealed record UserRegistered(string UserId, string Email, string Name, DateTimeOffset OccurredAt) : IIntegrationEvent;
