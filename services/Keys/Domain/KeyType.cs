namespace ShopDapr.Keys.Domain;

/// <summary>What a key is for: its algorithm fixes which operations it serves.</summary>
public enum KeyType
{
    /// <summary>AES-256-GCM: encrypt, decrypt, rewrap, data keys.</summary>
    Aes256Gcm,

    /// <summary>ECDSA on P-256 with SHA-256 (JWS ES256): sign, verify, JWKS.</summary>
    EcdsaP256,

    /// <summary>RSA 3072 with PSS and SHA-256 (JWS PS256): sign, verify, JWKS.</summary>
    Rsa3072Pss,

    /// <summary>HMAC-SHA-256: hmac.</summary>
    HmacSha256,
}

/// <summary>A key's lifecycle (AWS KMS's states): only an enabled key is used; a destroyed one has no material left.</summary>
public enum KeyState { Enabled, Disabled, PendingDeletion, Destroyed }

/// <summary>The wire names of <see cref="KeyType"/> (<c>aes256-gcm</c> …) and which operations each type serves.</summary>
public static class KeyTypes
{
    private static readonly Dictionary<string, KeyType> ByName = new(StringComparer.Ordinal)
    {
        ["aes256-gcm"] = KeyType.Aes256Gcm,
        ["ecdsa-p256"] = KeyType.EcdsaP256,
        ["rsa-3072-pss"] = KeyType.Rsa3072Pss,
        ["hmac-sha256"] = KeyType.HmacSha256,
    };

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static KeyType? Parse(string? name) => name is not null && ByName.TryGetValue(name, out var type) ? type : null;

    public static string Name(this KeyType type) => ByName.First(pair => pair.Value == type).Key;

    public static bool Encrypts(this KeyType type) => type == KeyType.Aes256Gcm;

    public static bool Signs(this KeyType type) => type is KeyType.EcdsaP256 or KeyType.Rsa3072Pss;

    public static bool Hmacs(this KeyType type) => type == KeyType.HmacSha256;
}
