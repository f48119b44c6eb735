using System.Security.Cryptography;
using Dapr.Client;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Identity.Tokens;

/// <summary>
/// Signs with a PEM private key (ECDSA P-256 → ES256, or RSA → RS256) read once from the Dapr secret store.
/// The key id is the key's RFC 7638 thumbprint, so the same key always has the same <c>kid</c>.
/// </summary>
public sealed class SecretStoreTokenSigner(DaprClient dapr, IOptions<IdentityOptions> options) : ITokenSigner, IDisposable
{
    private readonly SemaphoreSlim _load = new(1, 1);
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private SigningKey? _key;

    public async Task<string> SignAsync(SecurityTokenDescriptor descriptor, CancellationToken cancellationToken)
    {
        var key = await GetKeyAsync(cancellationToken);
        descriptor.SigningCredentials = key.Credentials;
        return _handler.CreateToken(descriptor);
    }

    public async Task<IReadOnlyList<JsonWebKey>> GetVerificationKeysAsync(CancellationToken cancellationToken) =>
        [(await GetKeyAsync(cancellationToken)).PublicJwk];

    private async Task<SigningKey> GetKeyAsync(CancellationToken cancellationToken)
    {
        if (_key is { } loaded)
            return loaded;
        await _load.WaitAsync(cancellationToken);
        try
        {
            if (_key is { } again)
                return again;
            var name = options.Value.SigningKeySecret;
            var secret = await dapr.GetSecretAsync(ShopNames.Components.SecretStore, name, cancellationToken: cancellationToken);
            if (!secret.TryGetValue(name, out var pem) || string.IsNullOrWhiteSpace(pem))
                throw new InvalidOperationException($"The secret store has no value for '{name}'.");
            _key = SigningKey.FromPem(pem);
            return _key;
        }
        finally
        {
            _load.Release();
        }
    }

    public void Dispose()
    {
        _load.Dispose();
        _key?.Dispose();
    }
}

/// <summary>A private signing key and its public JWK.</summary>
internal sealed class SigningKey : IDisposable
{
    private readonly AsymmetricAlgorithm _algorithm;

    private SigningKey(AsymmetricAlgorithm algorithm, AsymmetricSecurityKey key, JsonWebKey publicJwk, string alg)
    {
        _algorithm = algorithm;
        var kid = Base64UrlEncoder.Encode(publicJwk.ComputeJwkThumbprint());
        key.KeyId = kid;
        publicJwk.KeyId = kid;
        publicJwk.Use = JsonWebKeyUseNames.Sig;
        publicJwk.Alg = alg;
        Credentials = new SigningCredentials(key, alg);
        PublicJwk = publicJwk;
    }

    public SigningCredentials Credentials { get; }

    public JsonWebKey PublicJwk { get; }

    public static SigningKey FromPem(string pem)
    {
        if (pem.Contains("RSA PRIVATE KEY", StringComparison.Ordinal) || !TryEcdsa(pem, out var ecdsa))
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            using var rsaPublic = RSA.Create(rsa.ExportParameters(includePrivateParameters: false));
            var rsaJwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsaPublic.ExportParameters(false)));
            return new SigningKey(rsa, new RsaSecurityKey(rsa), rsaJwk, SecurityAlgorithms.RsaSha256);
        }
        if (ecdsa.KeySize != 256)
            throw new InvalidOperationException("The token signing key must be ECDSA P-256 or RSA.");
        using var ecPublic = ECDsa.Create(ecdsa.ExportParameters(includePrivateParameters: false));
        var ecJwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ecPublic));
        return new SigningKey(ecdsa, new ECDsaSecurityKey(ecdsa), ecJwk, SecurityAlgorithms.EcdsaSha256);
    }

    private static bool TryEcdsa(string pem, out ECDsa ecdsa)
    {
        ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
            return true;
        }
        catch (CryptographicException)
        {
            ecdsa.Dispose();
            return false;
        }
    }

    public void Dispose() => _algorithm.Dispose();
}
