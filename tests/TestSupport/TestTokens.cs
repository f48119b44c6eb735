using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Auth;

namespace ShopDapr.Testing;

/// <summary>
/// Plays identity for a service under test: an ES256 key, tokens signed with it, and its JWKS served to the
/// service's <see cref="JwksConfigurationManager"/> (counting fetches).
/// </summary>
public sealed class TestTokens : IJwksHttpClientFactory, IDisposable
{
    private readonly List<ECDsaSecurityKey> _published = [];
    private ECDsaSecurityKey _securityKey;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private int _jwksFetches;

    public TestTokens(string kid = "test-key")
    {
        _securityKey = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = kid };
        _published.Add(_securityKey);
    }

    /// <summary>Signs with a new key from now on; the JWKS lists the old keys too (as during a rotation).</summary>
    public void Rotate(string kid)
    {
        _securityKey = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = kid };
        _published.Add(_securityKey);
    }

    public string Issuer { get; init; } = "shopdapr-identity";

    public string Audience { get; init; } = "shopdapr";

    public int JwksFetches => _jwksFetches;

    /// <summary>An access token for <paramref name="subject"/> with <paramref name="roles"/>.</summary>
    public string Create(string subject, string[] roles, TimeSpan? lifetime = null, DateTime? now = null, string? issuer = null, string? audience = null, SecurityKey? signWith = null)
    {
        var issued = now ?? DateTime.UtcNow;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience ?? Audience,
            IssuedAt = issued,
            NotBefore = issued,
            Expires = issued + (lifetime ?? TimeSpan.FromMinutes(15)),
            Claims = new Dictionary<string, object>
            {
                [ShopNames.ClaimTypes.Subject] = subject,
                [ShopNames.ClaimTypes.Role] = roles,
            },
            SigningCredentials = new SigningCredentials(signWith ?? _securityKey, SecurityAlgorithms.EcdsaSha256),
        });
    }

    public string Customer(string subject = "customer-1") => Create(subject, [ShopNames.Roles.Customer]);

    public string Admin(string subject = "admin-1") => Create(subject, [ShopNames.Roles.Admin]);

    /// <summary>A token signed by a key nobody published, claiming admin.</summary>
    public string Forged(string subject = "mallory")
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Create(subject, [ShopNames.Roles.Admin], signWith: new ECDsaSecurityKey(ECDsa.Create(other.ExportParameters(true))) { KeyId = "test-key" });
    }

    public string Jwks() => $$"""{"keys":[{{string.Join(",", _published.Select(Jwk))}}]}""";

    private static string Jwk(ECDsaSecurityKey key)
    {
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(key.ECDsa.ExportParameters(false))));
        return $$"""{"kty":"EC","use":"sig","alg":"ES256","kid":"{{key.KeyId}}","crv":"{{jwk.Crv}}","x":"{{jwk.X}}","y":"{{jwk.Y}}"}""";
    }

    public HttpClient Create(string appId) => new(new JwksHandler(this)) { BaseAddress = new Uri($"http://{appId}") };

    public void Dispose()
    {
        foreach (var key in _published)
            key.ECDsa.Dispose();
    }

    private sealed class JwksHandler(TestTokens tokens) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref tokens._jwksFetches);
            return Task.FromResult(request.RequestUri!.AbsolutePath == "/.well-known/jwks.json"
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(tokens.Jwks(), Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.NotFound));
        }
    }
}
