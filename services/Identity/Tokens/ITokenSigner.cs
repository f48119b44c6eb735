using Microsoft.IdentityModel.Tokens;

namespace ShopDapr.Identity.Tokens;

/// <summary>
/// Signs access tokens and publishes the keys that verify them. The one seam between identity and its key
/// material: today the key comes from the secret store; later the <c>keys</c> service signs and the key never leaves it.
/// </summary>
public interface ITokenSigner
{
    /// <summary>The compact JWS of <paramref name="descriptor"/>, with a <c>kid</c> header naming the signing key.</summary>
    Task<string> SignAsync(SecurityTokenDescriptor descriptor, CancellationToken cancellationToken);

    /// <summary>Public keys that verify tokens still in circulation (the current key, and retired ones until their tokens expire).</summary>
    Task<IReadOnlyList<JsonWebKey>> GetVerificationKeysAsync(CancellationToken cancellationToken);
}
