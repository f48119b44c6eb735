using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Contracts.Keys;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Keys.Api;

/// <summary>
/// The operations on a key — encrypt, decrypt, rewrap, data keys, sign, verify, HMAC, JWKS — for admins under
/// <c>/api/keys/{name}/{operation}</c> and for apps at <c>/internal/keys/{operation}/{name}</c> (the sidecar's calls
/// only). Internally the operation comes first so that the access-control policy of the Dapr Configuration can allow an
/// app one operation on any key with a trailing wildcard (<c>/internal/keys/sign/*</c>): a wildcard segment in the
/// middle of an operation name matches nothing in Dapr's policy matching.
/// </summary>
public static class KeyOperationsApi
{
    public static IEndpointRouteBuilder MapKeysInternalApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup(KeysRoutes.Internal).WithTags("Keys (internal)").RequireAuthorization(ShopNames.Policies.DaprSidecar)
            .MapKeyOperations(operation => $"/{operation}/{{name}}");
        return routes;
    }

    /// <param name="route">The route pattern of an operation, from its name.</param>
    internal static RouteGroupBuilder MapKeyOperations(this RouteGroupBuilder group, Func<string, string> route)
    {
        group.MapPost(route("encrypt"), Encrypt);
        group.MapPost(route("decrypt"), Decrypt);
        group.MapPost(route("rewrap"), Rewrap);
        group.MapPost(route("datakey"), DataKey);
        group.MapPost(route("sign"), Sign);
        group.MapPost(route("verify"), Verify);
        group.MapPost(route("hmac"), Hmac);
        group.MapGet(route("jwks"), Jwks);
        return group;
    }

    public static async Task<Ok<EncryptResponse>> Encrypt(string name, EncryptRequest request, KeyService keys, HttpContext http, CancellationToken cancellationToken)
    {
        var (ciphertext, version) = await keys.EncryptAsync(KeyViews.CallerOf(http), name, request.Plaintext, request.AssociatedData, cancellationToken);
        return TypedResults.Ok(new EncryptResponse(ciphertext, version));
    }

    public static async Task<Ok<DecryptResponse>> Decrypt(string name, DecryptRequest request, KeyService keys, HttpContext http, CancellationToken cancellationToken)
    {
        var (plaintext, _) = await keys.DecryptAsync(KeyViews.CallerOf(http), name, request.Ciphertext, request.AssociatedData, cancellationToken);
        return TypedResults.Ok(new DecryptResponse(Convert.ToBase64String(plaintext)));
    }

    public static async Task<Ok<EncryptResponse>> Rewrap(string name, RewrapRequest request, KeyService keys, HttpContext http, CancellationToken cancellationToken)
    {
        var (ciphertext, version) = await keys.RewrapAsync(KeyViews.CallerOf(http), name, request.Ciphertext, request.AssociatedData, cancellationToken);
        return TypedResults.Ok(new EncryptResponse(ciphertext, version));
    }

    public static async Task<Ok<DataKeyResponse>> DataKey(string name, DataKeyRequest? request, KeyService keys, HttpContext http, CancellationToken cancellationToken)
    {
        var wrappedOnly = request?.WrappedOnly == true;
        var (plaintext, ciphertext, version) = await keys.DataKeyAsync(KeyViews.CallerOf(http), name, wrappedOnly, cancellationToken);
        return TypedResults.Ok(new DataKeyResponse(wrappedOnly ? null : Convert.ToBase64String(plaintext), ciphertext, version));
    }

    public static async Task<Ok<SignResponse>> Sign(string name, SignRequest request, KeyService keys, HttpContext http, CancellationToken cancellationToken)
    {
        var (signature, version) = await keys.SignAsync(KeyViews.CallerOf(http), name, request.Input, cancellationToken);
        return TypedResults.Ok(new SignResponse(signature, version));
    }

    public static async Task<Ok<VerifyResponse>> Verify(string name, VerifyRequest request, KeyService keys, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(new VerifyResponse(await keys.VerifyAsync(KeyViews.CallerOf(http), name, request.Input, request.Signature, cancellationToken)));

    public static async Task<Ok<HmacResponse>> Hmac(string name, HmacRequest request, KeyService keys, HttpContext http, CancellationToken cancellationToken)
    {
        var (hmac, version) = await keys.HmacAsync(KeyViews.CallerOf(http), name, request.Input, cancellationToken);
        return TypedResults.Ok(new HmacResponse(hmac, version));
    }

    public static async Task<Ok<JsonWebKeySetView>> Jwks(string name, KeyService keys, HttpContext http, CancellationToken cancellationToken)
    {
        var (published, signingKid) = await keys.PublicKeysAsync(KeyViews.CallerOf(http), name, cancellationToken);
        return TypedResults.Ok(new JsonWebKeySetView([.. published.Select(KeyViews.View)], signingKid));
    }
}
