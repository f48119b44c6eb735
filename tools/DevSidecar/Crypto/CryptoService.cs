using Grpc.Core;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Resiliency;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Crypto;

/// <summary>
/// What the gRPC and HTTP cryptography APIs share: the component lookup, the scheme run with the component's keys
/// under its outbound resiliency policy (as daprd runs WrapKey/UnwrapKey), and daprd's errors. A failed operation
/// surfaces as <see cref="CryptoOperationException"/>, which each API words as daprd's does.
/// </summary>
internal sealed class CryptoService(SidecarContext sidecar, IResiliencyPolicies policies)
{
    public ICryptoProvider Find(string componentName)
    {
        if (!sidecar.Components.OfType<ICryptoProvider>().Any())
            throw new DaprApiException(StatusCode.Internal, 500, "ERR_CRYPTO_PROVIDERS_NOT_CONFIGURED", "crypto providers not configured");
        if (string.IsNullOrEmpty(componentName))
            throw BadRequest("missing component name");
        return sidecar.Components.TryGet<ICryptoProvider>(componentName, out var provider)
            ? provider
            : throw new DaprApiException(StatusCode.InvalidArgument, 400, "ERR_CRYPTO_PROVIDER_NOT_FOUND", $"crypto provider {componentName} not found");
    }

    public async Task EncryptAsync(string componentName, ICryptoProvider provider, EncryptOptions options, Stream plaintext, SchemeV1.Send send, CancellationToken cancellationToken)
    {
        var pipeline = policies.ForComponent(componentName, ComponentDirection.Outbound);
        await SchemeV1.EncryptAsync(plaintext, options,
            (fileKey, algorithm, keyName, ct) => pipeline.ExecuteAsync(
                async t => await KeyWrapping.WrapAsync(provider, fileKey, algorithm, keyName, t), ct).AsTask(),
            send, cancellationToken);
    }

    public async Task DecryptAsync(string componentName, ICryptoProvider provider, string? keyName, Stream ciphertext, SchemeV1.Send send, CancellationToken cancellationToken)
    {
        var pipeline = policies.ForComponent(componentName, ComponentDirection.Outbound);
        await SchemeV1.DecryptAsync(ciphertext, keyName,
            (wrapped, algorithm, name, ct) => pipeline.ExecuteAsync(
                async t => await KeyWrapping.UnwrapAsync(provider, wrapped, algorithm, name, t), ct).AsTask(),
            send, cancellationToken);
    }

    /// <summary>daprd's ErrBadRequest: InvalidArgument / 400 <c>ERR_BAD_REQUEST</c>, "invalid request: …".</summary>
    public static DaprApiException BadRequest(string detail) =>
        new(StatusCode.InvalidArgument, 400, "ERR_BAD_REQUEST", $"invalid request: {detail}");

    /// <summary>daprd's ErrCryptoOperation: Internal / 500 <c>ERR_CRYPTO</c>, "failed to perform operation: …".</summary>
    public static DaprApiException OperationFailed(string detail) =>
        new(StatusCode.Internal, 500, "ERR_CRYPTO", $"failed to perform operation: {detail}");
}
