using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Auth;

namespace ShopDapr.Catalog.Tests.Functional;

/// <summary>
/// Plays identity for the tests: an ES256 signing key whose JWKS the catalog fetches through
/// <see cref="IJwksHttpClientFactory"/>, and access tokens signed with it.
/// </summary>
public sealed class TestTokens : IJwksHttpClientFactory, IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private const string KeyId = "test-key-1";

    public HttpClient Create(string appId) => new(new JwksHandler(Jwks())) { BaseAddress = new Uri("http://identity.local") };

    public string Issue(string subject, params string[] roles)
    {
        var claims = new Dictionary<string, object> { [ShopNames.ClaimTypes.Subject] = subject };
        if (roles.Length > 0)
            claims[ShopNames.ClaimTypes.Role] = roles;
        var options = new ShopAuthOptions();
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Claims = claims,
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_key) { KeyId = KeyId }, SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <summary>A token signed by a key identity never published.</summary>
    public static string Forged(string subject, params string[] roles)
    {
        using var other = new TestTokens();
        return other.Issue(subject, roles);
    }

    public void Dispose() => _key.Dispose();

    private string Jwks()
    {
        var p = _key.ExportParameters(includePrivateParameters: false);
        return $$"""
            {"keys":[{"kty":"EC","crv":"P-256","use":"sig","alg":"ES256","kid":"{{KeyId}}","x":"{{Base64UrlEncoder.Encode(p.Q.X)}}","y":"{{Base64UrlEncoder.Encode(p.Q.Y)}}"}]}
            """;
    }

    private sealed class JwksHandler(string jwks) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(jwks, Encoding.UTF8, "application/json"),
            });
    }
}
