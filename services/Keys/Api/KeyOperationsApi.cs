using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Contracts.Keys;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Keys.Api;

/// <summary>
/// The operations on a key — encrypt, decrypt, rewrap, data keys, sign, verify, HMAC, JWKS — for admins under
/// <c>/api/keys</c> and for apps under <c>/internal/keys</c> (the sidecar's calls only; which app may call which
/// operation is the access-control policy in the Dapr Configuration).
/// </summary>
public static class KeyOperationsApi
{
    public static IEndpointRouteBuilder MapKeysInternalApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup(KeysRoutes.Internal).WithTags("Keys (internal)").RequireAuthorization(ShopNames.Policies.DaprSidecar).MapKeyOperations();
        return routes;
    }

    internal static RouteGroupBuilder MapKeyOperations(this RouteGroupBuilder group)
    {
        group.MapPost("/{name}/encrypt", Encrypt);
        group.MapPost("/{name}/decrypt", Decrypt);
        group.MapPost("/{name}/rewrap", Rewrap);
        group.MapPost("/{name}/datakey", DataKey);
        group.MapPost("/{name}/sign", Sign);
        group.MapPost("/{name}/verify", Verify);
        group.MapPost("/{name}/hmac", Hmac);
        group.MapGet("/{name}/jwks", Jwks);
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

    public static async Task<Ok<JsonWebKeySetView>> Jwks(string name, KeyService keys, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(new JsonWebKeySetView([.. (await keys.PublicKeysAsync(KeyViews.CallerOf(http), name, cancellationToken)).Select(KeyViews.View)]));
}
