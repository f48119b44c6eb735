namespace ShopDapr.Identity.Api;

public sealed record RegisterRequest(string? Email, string? Password, string? Name);

public sealed record LoginRequest(string? Email, string? Password);

public sealed record RegisteredUser(string Id, string Email, string Name);

public sealed record AccessTokenResponse(string AccessToken, string TokenType, int ExpiresIn);

public sealed record CurrentUser(string Id, string? Email, string? Name, IReadOnlyList<string> Roles);
