using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace ShopDapr.DevSidecar.Crypto;

/// <summary>
/// A failed encryption or decryption, with daprd's wording; the gRPC API reports it as <c>failed to perform operation: …</c>.
/// <see cref="WhileStreaming"/> marks a failure after the header was dealt with (a segment that does not verify), which
/// daprd's HTTP API reports as a generic error rather than ERR_CRYPTO.
/// </summary>
internal sealed class CryptoOperationException(string message, Exception? inner = null) : Exception(message, inner)
{
    public bool WhileStreaming { get; init; }
}

/// <summary>What an encryption asks for: daprd's EncryptRequestOptions after its own checks.</summary>
internal sealed record EncryptOptions(string KeyName, string Algorithm, string? Cipher = null, string? DecryptionKeyName = null, bool OmitDecryptionKeyName = false);

/// <summary>
/// Dapr's encryption scheme v1 (<c>dapr.io/enc/v1</c>), streamed: a three-line header (scheme name, JSON manifest with
/// the wrapped file key, HMAC-SHA-256 of the first two lines), then the plaintext in 64 KiB segments, each sealed with
/// AES-256-GCM or ChaCha20-Poly1305 and followed by its 16-byte tag. Decryption checks the header's MAC before it reads
/// any segment and hands out a segment only once its tag verified, so nothing unauthenticated ever leaves.
/// </summary>
internal static class SchemeV1
{
    public const string Name = "dapr.io/enc/v1";
    public const int SegmentSize = 64 * 1024;

    /// <summary>Wraps the file key under the named key; throws with the component's reason.</summary>
    public delegate Task<byte[]> WrapKey(byte[] fileKey, KeyWrapAlgorithm algorithm, string keyName, CancellationToken cancellationToken);

    /// <summary>Unwraps a file key; throws with the component's reason.</summary>
    public delegate Task<byte[]> UnwrapKey(byte[] wrappedKey, KeyWrapAlgorithm algorithm, string keyName, CancellationToken cancellationToken);

    /// <summary>Takes one piece of output; the buffer is reused once the call returns.</summary>
    public delegate ValueTask Send(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken);

    public static async Task EncryptAsync(Stream plaintext, EncryptOptions options, WrapKey wrapKey, Send send, CancellationToken cancellationToken)
    {
        var algorithm = KeyWrapAlgorithm.FromName(options.Algorithm)
            ?? throw new CryptoOperationException($"option Algorithm is not valid: algorithm {options.Algorithm} is not supported");
        var cipher = DataCipher.AesGcm;
        if (!string.IsNullOrEmpty(options.Cipher))
        {
            cipher = DataCipher.FromName(options.Cipher)
                ?? throw new CryptoOperationException($"option Cipher is not valid: cipher {options.Cipher} is not supported");
        }
        if (cipher == DataCipher.ChaCha20Poly1305 && !ChaCha20Poly1305.IsSupported)
            throw new CryptoOperationException("option Cipher is not valid: CHACHA20-POLY1305 is not available on this machine's crypto library");

        using var fileKey = FileKey.Create(cipher);
        byte[] wrapped;
        try
        {
            wrapped = await wrapKey(fileKey.Key, algorithm, options.KeyName, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new CryptoOperationException($"failed to wrap the file key: {e.Message}", e);
        }

        var keyName = options.OmitDecryptionKeyName ? null : string.IsNullOrEmpty(options.DecryptionKeyName) ? options.KeyName : options.DecryptionKeyName;
        var manifest = new Manifest(keyName, algorithm, wrapped, cipher, fileKey.NoncePrefix).ToJson();
        await send(fileKey.SignHeader(manifest), cancellationToken);

        var segments = new SegmentReader(plaintext, SegmentSize, ReadOnlyMemory<byte>.Empty);
        var output = ArrayPool<byte>.Shared.Rent(SegmentSize + FileKey.TagSize);
        try
        {
            uint index = 0;
            while (await segments.NextAsync(cancellationToken) is { } segment)
            {
                if (segment.Data.Length == 0)
                    break; // an empty document is its header alone
                fileKey.Seal(segment.Data.Span, index, segment.Last, output);
                await send(output.AsMemory(0, segment.Data.Length + FileKey.TagSize), cancellationToken);
                if (segment.Last)
                    break;
                index = index == uint.MaxValue ? throw new CryptoOperationException("input stream is too large") : index + 1;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output, clearArray: true);
        }
    }

    /// <param name="keyName">The caller's key name, which wins over the manifest's; may be empty.</param>
    public static async Task DecryptAsync(Stream ciphertext, string? keyName, UnwrapKey unwrapKey, Send send, CancellationToken cancellationToken)
    {
        var (manifestText, macText, rest) = await ReadHeaderAsync(ciphertext, cancellationToken);
        var manifest = Manifest.Parse(manifestText) ?? throw new CryptoOperationException("invalid header: invalid manifest");
        if (string.IsNullOrEmpty(keyName))
        {
            keyName = manifest.KeyName;
            if (string.IsNullOrEmpty(keyName))
                throw new CryptoOperationException("document's manifest does not contain a key name, and no key name was provided");
        }

        // As daprd: a key that cannot be had (unknown, wrong kind, wrong algorithm) is not reported as such; the MAC check
        // fails instead, so a caller learns nothing about which keys exist.
        byte[] fileKeyBytes;
        try
        {
            fileKeyBytes = await unwrapKey(manifest.WrappedKey, manifest.Algorithm, keyName, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            fileKeyBytes = [];
        }
        if (fileKeyBytes.Length != FileKey.Size)
            fileKeyBytes = new byte[FileKey.Size];

        byte[] mac;
        try
        {
            mac = Convert.FromBase64String(Encoding.ASCII.GetString(macText));
        }
        catch (FormatException)
        {
            throw new CryptoOperationException("failed to decode header's signature: illegal base64 data");
        }
        using var fileKey = new FileKey(fileKeyBytes, manifest.NoncePrefix, manifest.Cipher);
        if (!fileKey.VerifyHeader(manifestText, mac))
            throw new CryptoOperationException("failed to validate the document's signature");

        var segments = new SegmentReader(ciphertext, SegmentSize + FileKey.TagSize, rest);
        var output = ArrayPool<byte>.Shared.Rent(SegmentSize);
        try
        {
            uint index = 0;
            while (await segments.NextAsync(cancellationToken) is { } segment)
            {
                if (segment.Data.Length == 0)
                    break;
                if (!fileKey.Open(segment.Data.Span, index, segment.Last, output))
                    throw new CryptoOperationException($"error processing segment {index}: failed to decrypt segment") { WhileStreaming = true };
                await send(output.AsMemory(0, segment.Data.Length - FileKey.TagSize), cancellationToken);
                if (segment.Last)
                    break;
                index = index == uint.MaxValue ? throw new CryptoOperationException("input stream is too large") : index + 1;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output, clearArray: true);
        }
    }

    /// <summary>
    /// Reads the three header lines (at most one segment's worth, as daprd) and returns the manifest, the MAC text and
    /// whatever was read past the header.
    /// </summary>
    private static async Task<(byte[] Manifest, byte[] Mac, ReadOnlyMemory<byte> Remainder)> ReadHeaderAsync(Stream input, CancellationToken cancellationToken)
    {
        var buffer = new byte[SegmentSize];
        int filled = 0, scanned = 0, lineStart = 0, lines = 0;
        byte[]? manifest = null, mac = null;
        while (lines < 3 && filled < buffer.Length)
        {
            var read = await input.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
                break;
            filled += read;
            for (; scanned < filled && lines < 3; scanned++)
            {
                if (buffer[scanned] != '\n')
                    continue;
                if (scanned == lineStart)
                    throw new CryptoOperationException("invalid header: invalid format");
                var line = buffer.AsSpan(lineStart, scanned - lineStart);
                switch (lines)
                {
                    case 0 when !line.SequenceEqual(Encoding.ASCII.GetBytes(Name)):
                        throw new CryptoOperationException("invalid header: unsupported scheme");
                    case 1:
                        manifest = line.ToArray();
                        break;
                    case 2:
                        mac = line.ToArray();
                        break;
                }
                lines++;
                lineStart = scanned + 1;
            }
        }
        if (lines < 1)
            throw new CryptoOperationException("invalid header: scheme name not found");
        if (manifest is null)
            throw new CryptoOperationException("invalid header: manifest not found");
        if (mac is null)
            throw new CryptoOperationException("invalid header: message authentication code not found");
        return (manifest, mac, buffer.AsMemory(lineStart, filled - lineStart));
    }

    /// <summary>
    /// Cuts a stream into segments of <c>size</c> bytes, reading one byte ahead so that it knows which segment is the
    /// last (a stream that is an exact multiple of the segment size ends with a full segment marked last).
    /// </summary>
    private sealed class SegmentReader(Stream input, int size, ReadOnlyMemory<byte> prefix)
    {
        private readonly byte[] _buffer = new byte[size + 1];
        private ReadOnlyMemory<byte> _prefix = prefix;
        private bool _carry;
        private bool _done;

        public async ValueTask<(ReadOnlyMemory<byte> Data, bool Last)?> NextAsync(CancellationToken cancellationToken)
        {
            if (_done)
                return null;
            var filled = 0;
            if (_carry)
            {
                _buffer[0] = _buffer[size];
                filled = 1;
                _carry = false;
            }
            while (filled < _buffer.Length)
            {
                var read = await ReadAsync(_buffer.AsMemory(filled), cancellationToken);
                if (read == 0)
                    break;
                filled += read;
            }
            if (filled > size)
            {
                _carry = true;
                return (_buffer.AsMemory(0, size), false);
            }
            _done = true;
            return (_buffer.AsMemory(0, filled), true);
        }

        private async ValueTask<int> ReadAsync(Memory<byte> into, CancellationToken cancellationToken)
        {
            if (_prefix.IsEmpty)
                return await input.ReadAsync(into, cancellationToken);
            var n = Math.Min(into.Length, _prefix.Length);
            _prefix[..n].CopyTo(into);
            _prefix = _prefix[n..];
            return n;
        }
    }
}
