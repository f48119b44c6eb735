using System.Security.Cryptography;
using System.Text;

namespace ShopDapr.Keys.Domain;

/// <summary>A public key of one version, as a JWK (EC: crv, x, y; RSA: n, e), base64url fields.</summary>
public sealed record PublicJwk(string Kty, string Kid, string Alg, string Use, string? Crv = null, string? X = null, string? Y = null, string? N = null, string? E = null);

/// <summary>
/// What a key does with its material. Encryption is AES-256-GCM with a random 96-bit nonce; its associated data binds
/// the key's name and the version, so a ciphertext made by another key (or relabelled to another version) fails
/// authentication instead of decrypting. Signatures are ES256 (IEEE P1363 r‖s, as JWS wants) or PS256.
/// Every failure to read an input is a <see cref="KeyRuleException"/>, never a crypto exception and never a plaintext.
/// </summary>
public static class KeyOperations
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    public static (string Ciphertext, int Version) Encrypt(ManagedKey key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        RequireEncrypts(key, "encrypt");
        var version = key.ForUse("encrypt");
        var output = new byte[NonceBytes + plaintext.Length + TagBytes];
        var nonce = output.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(version.Material!, TagBytes);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceBytes, plaintext.Length), output.AsSpan(NonceBytes + plaintext.Length), Bound(key.Name, version.Version, associatedData));
        return (VersionedText.Format(version.Version, output), version.Version);
    }

    public static (byte[] Plaintext, int Version) Decrypt(ManagedKey key, string? ciphertext, ReadOnlySpan<byte> associatedData)
    {
        RequireEncrypts(key, "decrypt");
        var (number, bytes) = VersionedText.Parse(ciphertext, "ciphertext");
        var version = key.ForReading(number, "decrypt");
        if (bytes.Length < NonceBytes + TagBytes)
            throw KeyRuleException.Unusable("The ciphertext is too short to be one of this key's.");
        var plaintext = new byte[bytes.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(version.Material!, TagBytes);
            aes.Decrypt(bytes.AsSpan(0, NonceBytes), bytes.AsSpan(NonceBytes, plaintext.Length), bytes.AsSpan(NonceBytes + plaintext.Length), plaintext, Bound(key.Name, number, associatedData));
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw KeyRuleException.Unusable($"The ciphertext does not authenticate under key '{key.Name}': tampered, another key's, or other associated data.");
        }
        return (plaintext, number);
    }

    /// <summary>The same plaintext under the latest version; the plaintext never leaves this method.</summary>
    public static (string Ciphertext, int Version) Rewrap(ManagedKey key, string? ciphertext, ReadOnlySpan<byte> associatedData)
    {
        var (plaintext, _) = Decrypt(key, ciphertext, associatedData);
        try
        {
            return Encrypt(key, plaintext, associatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>A fresh AES-256 key and that key encrypted under <paramref name="key"/> (envelope encryption).</summary>
    public static (byte[] Plaintext, string Ciphertext, int Version) DataKey(ManagedKey key)
    {
        var dataKey = RandomNumberGenerator.GetBytes(KeyMaterial.SymmetricKeyBytes);
        var (ciphertext, version) = Encrypt(key, dataKey, default);
        return (dataKey, ciphertext, version);
    }

    public static (string Signature, int Version) Sign(ManagedKey key, ReadOnlySpan<byte> input)
    {
        if (!key.Type.Signs())
            throw KeyRuleException.Unsupported(key.Type, "sign");
        var version = key.ForUse("sign");
        return (VersionedText.Format(version.Version, SignWith(key.Type, version.Material!, input)), version.Version);
    }

    /// <summary>
    /// Whether <paramref name="signature"/> is this key's over <paramref name="input"/> (a signature or, for an HMAC key,
    /// an HMAC). A wrong or another key's signature is simply not valid; a retired or unknown version is a 422.
    /// </summary>
    public static bool Verify(ManagedKey key, ReadOnlySpan<byte> input, string? signature)
    {
        if (!key.Type.Signs() && !key.Type.Hmacs())
            throw KeyRuleException.Unsupported(key.Type, "verify");
        var (number, bytes) = VersionedText.Parse(signature, "signature");
        var material = key.ForReading(number, "verify").Material!;
        switch (key.Type)
        {
            case KeyType.HmacSha256:
                return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(material, input), bytes);
            case KeyType.EcdsaP256:
                using (var ecdsa = KeyMaterial.Ecdsa(material))
                    return ecdsa.VerifyData(input, bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            default:
                using (var rsa = KeyMaterial.Rsa(material))
                    return rsa.VerifyData(input, bytes, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        }
    }

    public static (string Hmac, int Version) Hmac(ManagedKey key, ReadOnlySpan<byte> input)
    {
        if (!key.Type.Hmacs())
            throw KeyRuleException.Unsupported(key.Type, "compute an HMAC");
        var version = key.ForUse("compute an HMAC");
        return (VersionedText.Format(version.Version, HMACSHA256.HashData(version.Material!, input)), version.Version);
    }

    /// <summary>The public keys of the live versions (not retired, not destroyed), kid <c>{name}:v{version}</c>.</summary>
    public static IReadOnlyList<PublicJwk> PublicKeys(ManagedKey key)
    {
        if (!key.Type.Signs())
            throw KeyRuleException.Unsupported(key.Type, "publish public keys");
        return [.. key.LiveVersions.Select(v => Jwk(key, v))];
    }

    public static string KeyId(string name, int version) => Contracts.Keys.KeyIds.Of(name, version);

    private static PublicJwk Jwk(ManagedKey key, KeyVersion version)
    {
        var kid = KeyId(key.Name, version.Version);
        if (key.Type == KeyType.EcdsaP256)
        {
            using var ecdsa = KeyMaterial.Ecdsa(version.Material!);
            var p = ecdsa.ExportParameters(false);
            return new PublicJwk("EC", kid, "ES256", "sig", Crv: "P-256", X: Base64Url(p.Q.X!), Y: Base64Url(p.Q.Y!));
        }
        using var rsa = KeyMaterial.Rsa(version.Material!);
        var r = rsa.ExportParameters(false);
        return new PublicJwk("RSA", kid, "PS256", "sig", N: Base64Url(r.Modulus!), E: Base64Url(r.Exponent!));
    }

    private static byte[] SignWith(KeyType type, byte[] material, ReadOnlySpan<byte> input)
    {
        if (type == KeyType.EcdsaP256)
        {
            using var ecdsa = KeyMaterial.Ecdsa(material);
            return ecdsa.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        using var rsa = KeyMaterial.Rsa(material);
        return rsa.SignData(input.ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
    }

    private static void RequireEncrypts(ManagedKey key, string operation)
    {
        if (!key.Type.Encrypts())
            throw KeyRuleException.Unsupported(key.Type, operation);
    }

    /// <summary>The GCM associated data: the key's name and the version, then the caller's own associated data.</summary>
    private static byte[] Bound(string name, int version, ReadOnlySpan<byte> associatedData)
    {
        var label = Encoding.UTF8.GetBytes(KeyId(name, version));
        var bound = new byte[label.Length + 1 + associatedData.Length];
        label.CopyTo(bound, 0);
        associatedData.CopyTo(bound.AsSpan(label.Length + 1));
        return bound;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
