using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ShopDapr.Contracts.Keys;

namespace ShopDapr.Identity.Tokens;

/// <summary>
/// Signs access tokens with a key of the <c>keys</c> app (<see cref="IdentityOptions.SigningKeyName"/>, ECDSA P-256 →
/// ES256) over service invocation, so the private key never leaves keys and a rotation there logs nobody out: each token's
/// <c>kid</c> names the key and the version that signed it (<c>identity-tokens:v2</c>), and the JWKS publishes every live
/// version of the key (until an admin retires old versions with <c>minDecryptionVersion</c>), old and new side by side,
/// and the next version, which keys announces before it signs: an app holding the JWKS from before a rotation already
/// has the key of the tokens signed after it. The JWKS is cached for <see cref="IdentityOptions.SigningKeysCacheDuration"/>,
/// and dropped as soon as keys signs with another version than the cache's (a rotation), so the JWKS soon names the new
/// next version, and the apps that refetch on an unknown <c>kid</c> find it at once.
/// </summary>
public sealed class KeysTokenSigner(HttpClient keys, IOptions<IdentityOptions> options, TimeProvider time) : ITokenSigner, IDisposable
{
    private const int SignAttempts = 3;

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SemaphoreSlim _fetch = new(1, 1);
    private volatile PublishedKeys? _published;

    private string KeyName => options.Value.SigningKeyName;

    public async Task<string> SignAsync(SecurityTokenDescriptor descriptor, CancellationToken cancellationToken)
    {
        // The handler writes the claims as the JWT payload (an unsigned token, header.payload.); keys signs header.payload.
        descriptor.SigningCredentials = null;
        var payload = _handler.CreateToken(descriptor).Split('.')[1];
        var published = await GetPublishedAsync(cancellationToken);
        var version = published.SigningVersion;
        for (var attempt = 0; attempt < SignAttempts; attempt++)
        {
            var input = $"{Header(published.Algorithm, KeyIds.Of(KeyName, version))}.{payload}";
            var signed = await SignInputAsync(input, cancellationToken);
            if (signed.Version == version)
            {
                if (version != published.SigningVersion)
                    _published = null; // the key rotated: the next JWKS read fetches the new latest and its new next version
                return $"{input}.{Base64UrlEncoder.Encode(SignatureBytes(signed.Signature))}";
            }
            version = signed.Version; // the key rotated since the last signature: sign again under the new version's kid
        }
        throw new TokenSigningUnavailableException($"Key '{KeyName}' kept rotating while a token was signed.");
    }

    public async Task<IReadOnlyList<JsonWebKey>> GetVerificationKeysAsync(CancellationToken cancellationToken) =>
        (await GetPublishedAsync(cancellationToken)).Keys;

    private async Task<PublishedKeys> GetPublishedAsync(CancellationToken cancellationToken)
    {
        if (_published is { } cached && !cached.IsStale(time.GetUtcNow()))
            return cached;
        await _fetch.WaitAsync(cancellationToken);
        try
        {
            if (_published is { } again && !again.IsStale(time.GetUtcNow()))
                return again;
            var fetched = await FetchAsync(cancellationToken);
            _published = fetched;
            return fetched;
        }
        finally
        {
            _fetch.Release();
        }
    }

    private async Task<PublishedKeys> FetchAsync(CancellationToken cancellationToken)
    {
        var jwks = await CallAsync<JsonWebKeySetView>(() => keys.GetAsync(KeysRoutes.Operation(KeyName, "jwks"), cancellationToken), cancellationToken);
        var published = jwks.Keys.Select(ToJsonWebKey).ToList();
        // The signing version as keys names it; a keys app that does not name it publishes no next version, so its latest.
        var latest = jwks.SigningKid is { } kid ? VersionOf(kid) : jwks.Keys.Select(k => VersionOf(k.Kid)).DefaultIfEmpty(0).Max();
        if (latest == 0 || jwks.Keys.FirstOrDefault(k => VersionOf(k.Kid) == latest) is not { } signing)
            throw new TokenSigningUnavailableException($"Key '{KeyName}' publishes no public key it signs with.");
        var algorithm = signing.Alg;
        return new PublishedKeys(published, algorithm, latest, time.GetUtcNow() + options.Value.SigningKeysCacheDuration);
    }

    private Task<SignResponse> SignInputAsync(string input, CancellationToken cancellationToken) =>
        CallAsync<SignResponse>(() => keys.PostAsJsonAsync(KeysRoutes.Operation(KeyName, "sign"),
            new SignRequest(Convert.ToBase64String(Encoding.ASCII.GetBytes(input))), cancellationToken), cancellationToken);

    /// <summary>keys' answer; a failure to reach it, or any refusal (no such key, disabled), is a <see cref="TokenSigningUnavailableException"/>.</summary>
    private async Task<T> CallAsync<T>(Func<Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await send();
        }
        catch (HttpRequestException e)
        {
            throw new TokenSigningUnavailableException("The keys app could not be reached.", e);
        }
        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
                throw new TokenSigningUnavailableException($"The keys app answered {(int)response.StatusCode} for key '{KeyName}'.");
            try
            {
                return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
                       ?? throw new TokenSigningUnavailableException("The keys app answered an empty body.");
            }
            catch (JsonException e)
            {
                throw new TokenSigningUnavailableException("The keys app answered a body that is not its contract.", e);
            }
        }
    }

    private static string Header(string algorithm, string kid) =>
        Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            [JwtHeaderParameterNames.Alg] = algorithm,
            [JwtHeaderParameterNames.Kid] = kid,
            [JwtHeaderParameterNames.Typ] = JwtConstants.HeaderType,
        }));

    /// <summary>The bytes of a key's output, <c>shopdapr:v{version}:{base64}</c>.</summary>
    private static byte[] SignatureBytes(string signature)
    {
        var colon = signature.LastIndexOf(':');
        try
        {
            return Convert.FromBase64String(signature[(colon + 1)..]);
        }
        catch (FormatException e)
        {
            throw new TokenSigningUnavailableException("The keys app answered a signature that is not its contract.", e);
        }
    }

    /// <summary>The version in a kid <c>{name}:v{version}</c>; 0 when it is not of that form.</summary>
    private static int VersionOf(string kid)
    {
        var at = kid.LastIndexOf(":v", StringComparison.Ordinal);
        return at >= 0 && int.TryParse(kid.AsSpan(at + 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;
    }

    private static JsonWebKey ToJsonWebKey(JsonWebKeyView k) => new()
    {
        Kty = k.Kty, Kid = k.Kid, Alg = k.Alg, Use = k.Use, Crv = k.Crv, X = k.X, Y = k.Y, N = k.N, E = k.E,
    };

    public void Dispose() => _fetch.Dispose();

    /// <summary>The key's JWKS as fetched, the algorithm its tokens carry, and the version that signed when it was fetched.</summary>
    private sealed class PublishedKeys(IReadOnlyList<JsonWebKey> keys, string algorithm, int signingVersion, DateTimeOffset freshUntil)
    {
        public IReadOnlyList<JsonWebKey> Keys { get; } = keys;

        public string Algorithm { get; } = algorithm;

        public int SigningVersion { get; } = signingVersion;

        public bool IsStale(DateTimeOffset now) => now >= freshUntil;
    }
}

/// <summary>Tokens cannot be signed now (keys unreachable, the signing key missing or disabled): 503, retry.</summary>
public sealed class TokenSigningUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
