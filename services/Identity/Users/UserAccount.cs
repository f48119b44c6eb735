namespace ShopDapr.Identity.Users;

/// <summary>A customer or admin as stored in state (key <c>user-{Id}</c>).</summary>
public sealed record UserAccount
{
    public required string Id { get; init; }
    public required string Email { get; init; }
    public required string NormalizedEmail { get; init; }
    public required string Name { get; init; }
    public required string PasswordHash { get; init; }
    public required IReadOnlyList<string> Roles { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
