using Microsoft.IdentityModel.Tokens;

namespace ShopDapr.Identity.Tokens;

/// <summary>
/// Signs access tokens and publishes the keys that verify them. The one seam between identity and its key material:
/// the <c>keys</c> app signs and the key never leaves it (<see cref="KeysTokenSigner"/>); or, with
/// <c>Identity:TokenSigning=SecretStore</c>, a PEM from the secret store signs in process (<see cref="SecretStoreTokenSigner"/>).
/// </summary>
public interface ITokenSigner
{
    /// <summary>The compact JWS of <paramref name="descriptor"/>, with a <c>kid</c> header naming the signing key.</summary>
    Task<string> SignAsync(SecurityTokenDescriptor descriptor, CancellationToken cancellationToken);

    /// <summary>Public keys that verify tokens still in circulation (the current key, and retired ones until their tokens expire).</summary>
    Task<IReadOnlyList<JsonWebKey>> GetVerificationKeysAsync(CancellationToken cancellationToken);
}
