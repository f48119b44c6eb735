using System.Security.Cryptography;

namespace ShopDapr.Keys.Domain;

/// <summary>
/// New material per key type: 32 random bytes for AES-256 and HMAC-SHA-256, a PKCS#8 private key for ECDSA P-256 and
/// RSA 3072. Material is only ever held in memory; at rest it is wrapped under the master key.
/// </summary>
public static class KeyMaterial
{
    public const int SymmetricKeyBytes = 32;

    public static byte[] Generate(KeyType type)
    {
        switch (type)
        {
            case KeyType.Aes256Gcm or KeyType.HmacSha256:
                return RandomNumberGenerator.GetBytes(SymmetricKeyBytes);
            case KeyType.EcdsaP256:
                using (var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                    return ecdsa.ExportPkcs8PrivateKey();
            case KeyType.Rsa3072Pss:
                using (var rsa = RSA.Create(3072))
                    return rsa.ExportPkcs8PrivateKey();
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown key type.");
        }
    }

    internal static ECDsa Ecdsa(byte[] material)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(material, out _);
        return ecdsa;
    }

    internal static RSA Rsa(byte[] material)
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(material, out _);
        return rsa;
    }
}
