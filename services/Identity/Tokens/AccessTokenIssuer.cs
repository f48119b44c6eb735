using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using ShopDapr.Identity.Users;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Auth;

namespace ShopDapr.Identity.Tokens;

/// <summary>The access token's contents: who (sub, email, name), what they may do (role), for how long.</summary>
public sealed class AccessTokenIssuer(ITokenSigner signer, IOptions<IdentityOptions> identity, IOptions<ShopAuthOptions> auth, TimeProvider time)
{
    public async Task<(string Token, TimeSpan Lifetime)> IssueAsync(UserAccount user, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var lifetime = identity.Value.AccessTokenLifetime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = auth.Value.Issuer,
            Audience = auth.Value.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Claims = new Dictionary<string, object>
            {
                [ShopNames.ClaimTypes.Subject] = user.Id,
                [ShopNames.ClaimTypes.Email] = user.Email,
                [ShopNames.ClaimTypes.Name] = user.Name,
                [ShopNames.ClaimTypes.Role] = user.Roles.ToArray(),
                [ShopNames.ClaimTypes.TokenId] = Guid.NewGuid().ToString("N"),
            },
        };
        return (await signer.SignAsync(descriptor, cancellationToken), lifetime);
    }
}
