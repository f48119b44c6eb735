#pragma warning disable DAPR_CRYPTOGRAPHY // the SDK's cryptography API is experimental
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ShopDapr.DevSidecar.Crypto;

namespace ShopDapr.DevSidecar.Tests.Crypto;

/// <summary>
/// dapr/kit's encryption scheme v1 test vectors (testdata/NOTICE). They were made with a key wrap that hands back the
/// file key as it is, so the scheme is checked with that stand-in first; then each vector's header is re-wrapped under a
/// real A256KW key of the sidecar (and re-signed), its segments left byte for byte, and decrypted through the SDK.
/// </summary>
public sealed class SchemeVectorTests
{
    public static readonly TheoryData<string> Vectors = new(
        "single-segment.enc", "multi-segment.enc", "one-full-segment.enc", "two-full-segments.enc", "large-file.enc", "empty-message.enc");

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task Scheme_decrypts_each_kit_vector(string file)
    {
        var plaintext = await DecryptWithStandInAsync(Vector(file), keyName: null);

        Assert.Equal(Expected(file), plaintext);
    }

    [Fact]
    public async Task A_vector_without_a_key_name_needs_one_from_the_caller()
    {
        var missing = await Assert.ThrowsAsync<CryptoOperationException>(() => DecryptWithStandInAsync(Vector("single-segment-no-key-name.enc"), keyName: null));
        Assert.Equal("document's manifest does not contain a key name, and no key name was provided", missing.Message);

        var named = new List<string>();
        var plaintext = await DecryptWithStandInAsync(Vector("single-segment-no-key-name.enc"), "mykey", named);

        Assert.Equal("hello world", Encoding.ASCII.GetString(plaintext));
        Assert.Equal(["mykey"], named);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task Sidecar_decrypts_each_kit_vector_rewrapped_under_its_key(string file)
    {
        using var keys = new KeyFolder();
        await using var dapr = await keys.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var document = Rewrap(Vector(file), keys.Aes, KeyFolder.AesRaw);

        var plaintext = await dapr.Client.DecryptAsync(KeyFolder.Component, document, KeyFolder.AesRaw, ct);
        using var raw = new RawCrypto(dapr.Sidecar.GrpcEndpoint); // the SDK cannot tell an empty plaintext from a failure
        var rawPlaintext = await raw.DecryptAsync(new() { ComponentName = KeyFolder.Component, KeyName = KeyFolder.AesRaw }, RawCrypto.Chunks(document), ct);

        Assert.Equal(Expected(file), plaintext.ToArray());
        Assert.Equal(Expected(file), rawPlaintext);
        Assert.Equal(Vector(file).Length - SdkRoundTripTests.HeaderLength(Vector(file)), document.Length - SdkRoundTripTests.HeaderLength(document));
    }

    [Fact]
    public void Aes_key_wrap_matches_rfc_3394()
    {
        // RFC 3394 section 4.6: 256 bits of key data with a 256-bit KEK.
        var kek = Convert.FromHexString("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
        var data = Convert.FromHexString("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F");
        var expected = Convert.FromHexString("28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21");

        Assert.Equal(expected, AesKeyWrap.Wrap(kek, data));
        Assert.Equal(data, AesKeyWrap.Unwrap(kek, expected));
        expected[5] ^= 1;
        Assert.Throws<CryptographicException>(() => AesKeyWrap.Unwrap(kek, expected));
    }

    private static byte[] Vector(string file) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Crypto", "testdata", file));

    /// <summary>The plaintexts dapr/kit's scheme test encrypted (testdata/NOTICE).</summary>
    private static byte[] Expected(string file) => file switch
    {
        "single-segment.enc" => "hello world"u8.ToArray(),
        "multi-segment.enc" => Repeat([1, 2, 3, 4, 5, 6, 7, 8, 9, 0], 12 << 10),
        "one-full-segment.enc" => Repeat([1, 2, 3, 4, 5, 6, 7, 8], 8 << 10),
        "two-full-segments.enc" => Repeat([1, 2, 3, 4, 5, 6, 7, 8], 16 << 10),
        "large-file.enc" => Repeat([1, 2, 3, 4, 5, 6, 7, 8, 9, 0], 30 << 10),
        "empty-message.enc" => [],
        _ => throw new ArgumentOutOfRangeException(nameof(file)),
    };

    private static byte[] Repeat(byte[] pattern, int times) => [.. Enumerable.Repeat(pattern, times).SelectMany(p => p)];

    private static async Task<byte[]> DecryptWithStandInAsync(byte[] document, string? keyName, List<string>? namesAsked = null)
    {
        using var output = new MemoryStream();
        await SchemeV1.DecryptAsync(new MemoryStream(document), keyName,
            (wrapped, _, name, _) =>
            {
                namesAsked?.Add(name);
                return Task.FromResult(wrapped);
            },
            (chunk, _) =>
            {
                output.Write(chunk.Span);
                return ValueTask.CompletedTask;
            },
            TestContext.Current.CancellationToken);
        return output.ToArray();
    }

    /// <summary>The vector with its file key wrapped under <paramref name="kek"/> (A256KW) and the header signed again.</summary>
    private static byte[] Rewrap(byte[] vector, byte[] kek, string keyName)
    {
        var headerLength = SdkRoundTripTests.HeaderLength(vector);
        var manifest = JsonDocument.Parse(SdkRoundTripTests.Manifest(vector)).RootElement;
        var fileKey = manifest.GetProperty("wfk").GetBytesFromBase64();
        var rewrapped = JsonSerializer.Serialize(new
        {
            k = keyName,
            kw = 1,
            wfk = Convert.ToBase64String(AesKeyWrap.Wrap(kek, fileKey)),
            cph = manifest.GetProperty("cph").GetInt32(),
            np = manifest.GetProperty("np").GetString(),
        });
        var signed = Encoding.ASCII.GetBytes($"dapr.io/enc/v1\n{rewrapped}\n");
        var macKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, fileKey, 32, salt: [], info: "header"u8.ToArray());
        var mac = Encoding.ASCII.GetBytes(Convert.ToBase64String(HMACSHA256.HashData(macKey, signed)) + "\n");
        return [.. signed, .. mac, .. vector.AsSpan(headerLength)];
    }
}
