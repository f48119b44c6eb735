using System.Security.Cryptography;

namespace ShopDapr.DevSidecar.Crypto;

/// <summary>The JWK key types Dapr's local crypto components hold.</summary>
internal enum KeyType { Oct, Rsa, Ec, Okp }

/// <summary>
/// A key as Dapr's crypto components see it (a JWK): its material and the optional JWK fields that restrict it,
/// <c>use</c> ("enc"/"sig"), <c>key_ops</c>, <c>alg</c>. Immutable, so one instance may serve concurrent calls.
/// </summary>
internal sealed record CryptoKey(KeyType Type)
{
    /// <summary>The bytes of an <see cref="KeyType.Oct"/> key.</summary>
    public byte[]? Symmetric { get; init; }

    /// <summary>An RSA key's numbers; with the private ones when <see cref="IsPrivate"/>.</summary>
    public RSAParameters? Rsa { get; init; }

    public bool IsPrivate { get; init; }

    public string? Use { get; init; }

    public IReadOnlyList<string> KeyOps { get; init; } = [];

    public string? Algorithm { get; init; }

    public string? KeyId { get; init; }

    /// <summary>
    /// Whether <c>use</c> and <c>key_ops</c> allow <paramref name="operation"/> (JWK names: wrapKey, unwrapKey, encrypt …);
    /// a key with neither allows everything, as components-contrib's KeyCanPerformOperation.
    /// </summary>
    public bool CanPerform(string operation)
    {
        if (KeyOps.Count > 0 && !KeyOps.Contains(operation))
            return false;
        if (string.IsNullOrEmpty(Use))
            return true;
        return operation switch
        {
            "encrypt" or "decrypt" or "wrapKey" or "unwrapKey" => Use == "enc",
            "sign" or "verify" => Use == "sig",
            _ => true,
        };
    }

    /// <summary>A key with an <c>alg</c> may be used with that algorithm only.</summary>
    public bool CanUse(string algorithm) => string.IsNullOrEmpty(Algorithm) || Algorithm == algorithm;
}
