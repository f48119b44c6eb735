using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Identity.Tokens;

namespace ShopDapr.Identity.Api;

/// <summary>
/// <c>GET /.well-known/jwks.json</c>: the public keys that verify identity's tokens. Other apps fetch it through
/// their sidecar (service invocation), so it is not routed by the gateway.
/// </summary>
public static class JwksApi
{
    public const string Path = "/.well-known/jwks.json";

    public static IEndpointRouteBuilder MapJwksEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, GetJwks).AllowAnonymous().WithTags("Identity");
        return routes;
    }

    public static async Task<Ok<JsonWebKeySetDocument>> GetJwks(ITokenSigner signer, HttpContext http, CancellationToken cancellationToken)
    {
        var keys = await signer.GetVerificationKeysAsync(cancellationToken);
        http.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Ok(new JsonWebKeySetDocument([.. keys.Select(k =>
            new PublicJsonWebKey(k.Kty, k.Use, k.Alg, k.KeyId, k.Crv, k.X, k.Y, k.N, k.E))]));
    }
}

public sealed record JsonWebKeySetDocument(IReadOnlyList<PublicJsonWebKey> Keys);

/// <summary>A public JWK (RFC 7517): only public members, never <c>d</c>.</summary>
public sealed record PublicJsonWebKey(
    string Kty, string Use, string Alg, string Kid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Crv,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? X,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Y,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? N,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? E);
