using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ShopDapr.DevSidecar.Crypto;

/// <summary>AES Key Wrap (RFC 3394, JOSE's <c>A128KW</c>/<c>A192KW</c>/<c>A256KW</c>): .NET ships only the padded variant (RFC 5649).</summary>
internal static class AesKeyWrap
{
    private const ulong DefaultIv = 0xA6A6A6A6A6A6A6A6;

    public static byte[] Wrap(byte[] kek, ReadOnlySpan<byte> plaintext)
    {
        if (plaintext.Length < 16 || plaintext.Length % 8 != 0)
            throw new CryptographicException("key wrap input must be a multiple of 8 bytes, at least 16");
        using var aes = Aes.Create();
        aes.Key = kek;
        var n = plaintext.Length / 8;
        var output = new byte[plaintext.Length + 8];
        plaintext.CopyTo(output.AsSpan(8));
        var a = DefaultIv;
        Span<byte> block = stackalloc byte[16];
        for (var j = 0; j < 6; j++)
        {
            for (var i = 1; i <= n; i++)
            {
                BinaryPrimitives.WriteUInt64BigEndian(block, a);
                output.AsSpan(i * 8, 8).CopyTo(block[8..]);
                aes.EncryptEcb(block, block, PaddingMode.None);
                a = BinaryPrimitives.ReadUInt64BigEndian(block) ^ (ulong)(n * j + i);
                block[8..].CopyTo(output.AsSpan(i * 8, 8));
            }
        }
        BinaryPrimitives.WriteUInt64BigEndian(output, a);
        return output;
    }

    /// <summary>The key, or a <see cref="CryptographicException"/> when the integrity check fails (wrong key or altered input).</summary>
    public static byte[] Unwrap(byte[] kek, ReadOnlySpan<byte> wrapped)
    {
        if (wrapped.Length < 24 || wrapped.Length % 8 != 0)
            throw new CryptographicException("wrapped key must be a multiple of 8 bytes, at least 24");
        using var aes = Aes.Create();
        aes.Key = kek;
        var n = wrapped.Length / 8 - 1;
        var r = wrapped[8..].ToArray();
        var a = BinaryPrimitives.ReadUInt64BigEndian(wrapped);
        Span<byte> block = stackalloc byte[16];
        for (var j = 5; j >= 0; j--)
        {
            for (var i = n; i >= 1; i--)
            {
                BinaryPrimitives.WriteUInt64BigEndian(block, a ^ (ulong)(n * j + i));
                r.AsSpan((i - 1) * 8, 8).CopyTo(block[8..]);
                aes.DecryptEcb(block, block, PaddingMode.None);
                a = BinaryPrimitives.ReadUInt64BigEndian(block);
                block[8..].CopyTo(r.AsSpan((i - 1) * 8, 8));
            }
        }
        if (a != DefaultIv)
        {
            CryptographicOperations.ZeroMemory(r);
            throw new CryptographicException("failed to unwrap key");
        }
        return r;
    }
}
