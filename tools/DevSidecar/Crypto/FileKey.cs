using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ShopDapr.DevSidecar.Crypto;

/// <summary>
/// The random 256-bit key of one <c>dapr.io/enc/v1</c> document and what the scheme derives from it with HKDF-SHA-256:
/// the header's HMAC key (info "header", no salt) and the payload key (info "payload", salted with the nonce prefix).
/// Segment <c>i</c> is sealed under the nonce <c>prefix(7) || i (uint32, big-endian) || last (0x01 or 0x00)</c>.
/// </summary>
internal sealed class FileKey : IDisposable
{
    public const int Size = 32;
    public const int NoncePrefixSize = 7;
    public const int TagSize = 16;

    private readonly byte[] _headerKey;
    private readonly AesGcm? _aesGcm;
    private readonly ChaCha20Poly1305? _chaCha;
    private readonly byte[] _nonce = new byte[12];

    public FileKey(byte[] key, byte[] noncePrefix, DataCipher cipher)
    {
        Key = key;
        NoncePrefix = noncePrefix;
        Cipher = cipher;
        _headerKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, salt: [], info: "header"u8.ToArray());
        var payloadKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, salt: noncePrefix, info: "payload"u8.ToArray());
        if (cipher == DataCipher.AesGcm)
            _aesGcm = new AesGcm(payloadKey, TagSize);
        else
            _chaCha = new ChaCha20Poly1305(payloadKey);
        CryptographicOperations.ZeroMemory(payloadKey);
        noncePrefix.CopyTo(_nonce, 0);
    }

    public byte[] Key { get; }

    public byte[] NoncePrefix { get; }

    public DataCipher Cipher { get; }

    /// <summary>A fresh key and nonce prefix from the CSPRNG.</summary>
    public static FileKey Create(DataCipher cipher) =>
        new(RandomNumberGenerator.GetBytes(Size), RandomNumberGenerator.GetBytes(NoncePrefixSize), cipher);

    /// <summary>The whole header: the scheme name, the manifest and the base64 HMAC, each ending in a line feed.</summary>
    public byte[] SignHeader(ReadOnlySpan<byte> manifest)
    {
        var signed = HeaderMessage(manifest);
        var mac = Convert.ToBase64String(HMACSHA256.HashData(_headerKey, signed));
        return [.. signed, .. Encoding.ASCII.GetBytes(mac), (byte)'\n'];
    }

    /// <summary>Whether <paramref name="mac"/> (already base64-decoded) is the header's HMAC, compared in constant time.</summary>
    public bool VerifyHeader(ReadOnlySpan<byte> manifest, ReadOnlySpan<byte> mac) =>
        CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_headerKey, HeaderMessage(manifest)), mac);

    /// <summary>Seals one segment into <paramref name="output"/> (ciphertext followed by the 16-byte tag).</summary>
    public void Seal(ReadOnlySpan<byte> plaintext, uint index, bool last, Span<byte> output)
    {
        var nonce = Nonce(index, last);
        var ciphertext = output[..plaintext.Length];
        var tag = output.Slice(plaintext.Length, TagSize);
        if (_aesGcm is not null)
            _aesGcm.Encrypt(nonce, plaintext, ciphertext, tag);
        else
            _chaCha!.Encrypt(nonce, plaintext, ciphertext, tag);
    }

    /// <summary>Opens one segment (ciphertext and tag) into <paramref name="plaintext"/>; false when it does not authenticate.</summary>
    public bool Open(ReadOnlySpan<byte> segment, uint index, bool last, Span<byte> plaintext)
    {
        if (segment.Length < TagSize)
            return false;
        var nonce = Nonce(index, last);
        var ciphertext = segment[..^TagSize];
        var tag = segment[^TagSize..];
        try
        {
            if (_aesGcm is not null)
                _aesGcm.Decrypt(nonce, ciphertext, tag, plaintext[..ciphertext.Length]);
            else
                _chaCha!.Decrypt(nonce, ciphertext, tag, plaintext[..ciphertext.Length]);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _aesGcm?.Dispose();
        _chaCha?.Dispose();
        CryptographicOperations.ZeroMemory(_headerKey);
    }

    private static byte[] HeaderMessage(ReadOnlySpan<byte> manifest) =>
        [.. Encoding.ASCII.GetBytes(SchemeV1.Name), (byte)'\n', .. manifest, (byte)'\n'];

    private byte[] Nonce(uint index, bool last)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_nonce.AsSpan(NoncePrefixSize, 4), index);
        _nonce[^1] = last ? (byte)1 : (byte)0;
        return _nonce;
    }
}
