namespace ShopDapr.DevSidecar.Crypto;

/// <summary>
/// How the file key of a <c>dapr.io/enc/v1</c> document is wrapped, by the name a caller passes and the number the
/// manifest's <c>kw</c> field carries. <c>AES</c> and <c>RSA</c> are aliases of <c>A256KW</c> and <c>RSA-OAEP-256</c>.
/// </summary>
internal sealed record KeyWrapAlgorithm(string Name, int Id)
{
    public static readonly KeyWrapAlgorithm A256KW = new("A256KW", 1);
    public static readonly KeyWrapAlgorithm A128CbcNoPad = new("A128CBC-NOPAD", 2);
    public static readonly KeyWrapAlgorithm A192CbcNoPad = new("A192CBC-NOPAD", 3);
    public static readonly KeyWrapAlgorithm A256CbcNoPad = new("A256CBC-NOPAD", 4);
    public static readonly KeyWrapAlgorithm RsaOaep256 = new("RSA-OAEP-256", 5);

    private static readonly KeyWrapAlgorithm[] All = [A256KW, A128CbcNoPad, A192CbcNoPad, A256CbcNoPad, RsaOaep256];

    /// <summary>The algorithm a caller named (already upper-cased, as daprd does), or null when the scheme has no such algorithm.</summary>
    public static KeyWrapAlgorithm? FromName(string name) => name switch
    {
        "AES" => A256KW,
        "RSA" => RsaOaep256,
        _ => All.FirstOrDefault(a => a.Name == name),
    };

    public static KeyWrapAlgorithm? FromId(int id) => All.FirstOrDefault(a => a.Id == id);
}

/// <summary>The AEAD cipher that encrypts a document's segments: the manifest's <c>cph</c> field.</summary>
internal sealed record DataCipher(string Name, int Id)
{
    public static readonly DataCipher AesGcm = new("AES-GCM", 1);
    public static readonly DataCipher ChaCha20Poly1305 = new("CHACHA20-POLY1305", 2);

    public static DataCipher? FromName(string name) =>
        name == AesGcm.Name ? AesGcm : name == ChaCha20Poly1305.Name ? ChaCha20Poly1305 : null;

    public static DataCipher? FromId(int id) => id == AesGcm.Id ? AesGcm : id == ChaCha20Poly1305.Id ? ChaCha20Poly1305 : null;
}
