using System.Security.Cryptography;

namespace ShopDapr.DevSidecar.Crypto;

/// <summary>A key that cannot be had or used; the message is the component's reason, in components-contrib's words.</summary>
internal sealed class KeyException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Wrapping and unwrapping a file key with a key from a crypto component, as components-contrib's local components do
/// (LocalCryptoBaseComponent over dapr/kit's crypto): fetch the key, check its <c>use</c>/<c>key_ops</c> and <c>alg</c>,
/// then AES-KW or RSA-OAEP-256. The AES-CBC algorithms need a nonce that the encryption scheme never passes, so with
/// daprd (and here) they fail with "invalid nonce".
/// </summary>
internal static class KeyWrapping
{
    public static async Task<byte[]> WrapAsync(ICryptoProvider provider, byte[] fileKey, KeyWrapAlgorithm algorithm, string keyName, CancellationToken cancellationToken)
    {
        var kek = await Retrieve(provider, keyName, cancellationToken);
        Check(kek, "wrapKey", algorithm);
        try
        {
            return algorithm.Name switch
            {
                "A256KW" => AesKeyWrap.Wrap(AesKey(kek, 32), fileKey),
                "RSA-OAEP-256" => RsaOaep(kek, rsa => rsa.Encrypt(fileKey, RSAEncryptionPadding.OaepSHA256), needPrivate: false),
                _ => CbcWithoutNonce(kek, algorithm),
            };
        }
        catch (Exception e) when (e is CryptographicException or KeyException)
        {
            throw new KeyException($"failed to encrypt data: {e.Message}", e);
        }
    }

    public static async Task<byte[]> UnwrapAsync(ICryptoProvider provider, byte[] wrappedKey, KeyWrapAlgorithm algorithm, string keyName, CancellationToken cancellationToken)
    {
        var kek = await Retrieve(provider, keyName, cancellationToken);
        Check(kek, "unwrapKey", algorithm);
        try
        {
            return algorithm.Name switch
            {
                "A256KW" => AesKeyWrap.Unwrap(AesKey(kek, 32), wrappedKey),
                "RSA-OAEP-256" => RsaOaep(kek, rsa => rsa.Decrypt(wrappedKey, RSAEncryptionPadding.OaepSHA256), needPrivate: true),
                _ => CbcWithoutNonce(kek, algorithm),
            };
        }
        catch (Exception e) when (e is CryptographicException or KeyException)
        {
            throw new KeyException($"failed to decrypt data: {e.Message}", e);
        }
    }

    private static async Task<CryptoKey> Retrieve(ICryptoProvider provider, string keyName, CancellationToken cancellationToken)
    {
        try
        {
            return await provider.GetKeyAsync(keyName, cancellationToken);
        }
        catch (KeyException e)
        {
            throw new KeyException($"failed to retrieve the key encryption key: {e.Message}", e);
        }
    }

    private static void Check(CryptoKey kek, string operation, KeyWrapAlgorithm algorithm)
    {
        if (!kek.CanPerform(operation))
            throw new KeyException($"key cannot perform the '{operation}' operation");
        if (!kek.CanUse(algorithm.Name))
            throw new KeyException($"key cannot be used with algorithm '{algorithm.Name}'");
    }

    private static byte[] AesKey(CryptoKey kek, int size) =>
        kek is { Type: KeyType.Oct, Symmetric: { } bytes } && bytes.Length == size ? bytes : throw new KeyException("key type mismatch");

    private static byte[] RsaOaep(CryptoKey kek, Func<RSA, byte[]> operation, bool needPrivate)
    {
        if (kek is not { Type: KeyType.Rsa, Rsa: { } parameters } || needPrivate && !kek.IsPrivate)
            throw new KeyException("key type mismatch");
        using var rsa = RSA.Create();
        rsa.ImportParameters(needPrivate ? parameters : new RSAParameters { Modulus = parameters.Modulus, Exponent = parameters.Exponent });
        return operation(rsa);
    }

    private static byte[] CbcWithoutNonce(CryptoKey kek, KeyWrapAlgorithm algorithm)
    {
        var size = algorithm.Name switch { "A128CBC-NOPAD" => 16, "A192CBC-NOPAD" => 24, _ => 32 };
        AesKey(kek, size);
        throw new KeyException("invalid nonce");
    }
}

/// <summary>A crypto component: where keys come from (a folder, a JWKS); the operations are common to all.</summary>
internal interface ICryptoProvider
{
    /// <summary>The key named <paramref name="name"/>; throws <see cref="KeyException"/> with the component's reason.</summary>
    Task<CryptoKey> GetKeyAsync(string name, CancellationToken cancellationToken);
}
