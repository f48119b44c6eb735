using Dapr.Client;
using Microsoft.Extensions.Options;

namespace ShopDapr.Keys.Infrastructure;

/// <summary>
/// Wraps and unwraps key material under the master key, which this app never holds: it lives in the cryptography
/// component behind the sidecar (a key file locally, a cloud key vault in production).
/// </summary>
public interface IMasterKey
{
    Task<byte[]> WrapAsync(ReadOnlyMemory<byte> material, CancellationToken cancellationToken);

    Task<byte[]> UnwrapAsync(ReadOnlyMemory<byte> wrapped, CancellationToken cancellationToken);
}

/// <summary>
/// The master key through Dapr's cryptography building block: the sidecar encrypts with its component's key
/// (<see cref="KeysOptions.CryptoComponent"/>, <see cref="KeysOptions.MasterKeyName"/>) in Dapr's encryption scheme v1,
/// whose header names the key. The SDK answers a stream the sidecar failed (no such component or key, a ciphertext
/// that does not authenticate) with an empty result rather than an error: empty is a failure here, never a key.
/// </summary>
#pragma warning disable DAPR_CRYPTOGRAPHY // the cryptography API is alpha in Dapr 1.x; this class is the one place that calls it
public sealed class DaprMasterKey(DaprClient dapr, IOptions<KeysOptions> options) : IMasterKey
{
    private readonly KeysOptions _options = options.Value;

    public async Task<byte[]> WrapAsync(ReadOnlyMemory<byte> material, CancellationToken cancellationToken) =>
        NotEmpty(await dapr.EncryptAsync(_options.CryptoComponent, material, _options.MasterKeyName,
            new EncryptionOptions(_options.MasterKeyWrap), cancellationToken), "wrap");

    public async Task<byte[]> UnwrapAsync(ReadOnlyMemory<byte> wrapped, CancellationToken cancellationToken) =>
        NotEmpty(await dapr.DecryptAsync(_options.CryptoComponent, wrapped, _options.MasterKeyName, cancellationToken), "unwrap");

    private byte[] NotEmpty(ReadOnlyMemory<byte> result, string operation) => result.IsEmpty
        ? throw new MasterKeyUnavailableException(
            $"The sidecar's cryptography component '{_options.CryptoComponent}' did not {operation} with master key '{_options.MasterKeyName}'.")
        : result.ToArray();
}

/// <summary>The master key could not wrap or unwrap (component or key missing, or stored material it does not recognise): 503.</summary>
public sealed class MasterKeyUnavailableException(string message) : Exception(message);
#pragma warning restore DAPR_CRYPTOGRAPHY
