using System.Security.Cryptography;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.Core;

namespace ShopDapr.DevSidecar.Tests.Crypto;

/// <summary>EncryptAlpha1 / DecryptAlpha1 on the raw gRPC API: daprd's options, statuses and messages.</summary>
public sealed class CryptoErrorTests : IDisposable
{
    private readonly KeyFolder _keys = new();

    public void Dispose() => _keys.Dispose();

    private static EncryptRequestOptions Encrypt(string key = KeyFolder.AesRaw, string algorithm = "A256KW") =>
        new() { ComponentName = KeyFolder.Component, KeyName = key, KeyWrapAlgorithm = algorithm };

    private static DecryptRequestOptions Decrypt(string key = KeyFolder.AesRaw) => new() { ComponentName = KeyFolder.Component, KeyName = key };

    private static async Task<RpcException> Fails(Func<Task> call, StatusCode status, string message)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal((status, message), (e.StatusCode, e.Status.Detail));
        return e;
    }

    [Fact]
    public async Task Options_are_checked_as_daprd_checks_them()
    {
        await using var dapr = await _keys.StartAsync();
        using var raw = new RawCrypto(dapr.Sidecar.GrpcEndpoint);
        var ct = TestContext.Current.CancellationToken;
        var data = RawCrypto.Chunks("hello"u8.ToArray()).ToList();

        await Fails(() => raw.EncryptAsync(null, data, ct), StatusCode.InvalidArgument, "invalid request: first message does not contain the required options");
        await Fails(() => raw.EncryptAsync(Encrypt(key: ""), data, ct), StatusCode.InvalidArgument, "invalid request: missing property 'keyName' in the options message");
        await Fails(() => raw.EncryptAsync(Encrypt(algorithm: ""), data, ct), StatusCode.InvalidArgument, "invalid request: missing property 'keyWrapAlgorithm' in the options message");
        await Fails(() => raw.EncryptAsync(new() { KeyName = "k", KeyWrapAlgorithm = "A256KW" }, data, ct), StatusCode.InvalidArgument, "invalid request: missing component name");
        await Fails(() => raw.EncryptAsync(new() { ComponentName = "vault", KeyName = "k", KeyWrapAlgorithm = "A256KW" }, data, ct), StatusCode.InvalidArgument, "crypto provider vault not found");
        await Fails(() => raw.DecryptAsync(null, data, ct), StatusCode.InvalidArgument, "invalid request: first message does not contain the required options");
        await Fails(() => raw.DecryptAsync(new() { ComponentName = "vault" }, data, ct), StatusCode.InvalidArgument, "crypto provider vault not found");
        await Fails(() => raw.EncryptAsync(Encrypt(algorithm: "A128CBC"), data, ct), StatusCode.Internal,
            "failed to perform operation: option Algorithm is not valid: algorithm A128CBC is not supported");
        await Fails(() => raw.EncryptAsync(Encrypt().MergeWith(new() { DataEncryptionCipher = "aes-cbc" }), data, ct), StatusCode.Internal,
            "failed to perform operation: option Cipher is not valid: cipher AES-CBC is not supported");
        using var empty = raw.Client.EncryptAlpha1(cancellationToken: ct); // what the SDK sends for an empty plaintext
        await empty.RequestStream.CompleteAsync();
        await Fails(() => empty.ResponseStream.MoveNext(ct), StatusCode.Internal, "failed to perform operation: error receiving the first message: EOF");
    }

    [Fact]
    public async Task A_sidecar_without_crypto_components_says_so()
    {
        await using var dapr = await TestSidecar.StartAsync(new Dictionary<string, string> { ["state.yaml"] = Yaml.Component("statestore", "state.in-memory") });
        using var raw = new RawCrypto(dapr.Sidecar.GrpcEndpoint);

        await Fails(() => raw.EncryptAsync(Encrypt(), RawCrypto.Chunks([1]), TestContext.Current.CancellationToken), StatusCode.Internal, "crypto providers not configured");
    }

    [Fact]
    public async Task Keys_that_cannot_wrap_fail_with_the_components_reason()
    {
        using var signing = RSA.Create(2048);
        _keys.Write("signing.json", KeyFolder.Jwk(signing.ExportParameters(true), use: "sig"));
        _keys.Write("pinned.json", """{"kty":"oct","alg":"A128KW","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}""");
        _keys.Write("short-aes", Convert.ToBase64String(new byte[16]));
        await using var dapr = await _keys.StartAsync();
        using var raw = new RawCrypto(dapr.Sidecar.GrpcEndpoint);
        var ct = TestContext.Current.CancellationToken;
        var data = RawCrypto.Chunks("hello"u8.ToArray()).ToList();
        const string prefix = "failed to perform operation: failed to wrap the file key: ";

        await Fails(() => raw.EncryptAsync(Encrypt(key: "nope"), data, ct), StatusCode.Internal,
            $"{prefix}failed to retrieve the key encryption key: failed to load key 'nope': open {Path.Combine(_keys.Keys, "nope")}: no such file or directory");
        await Fails(() => raw.EncryptAsync(Encrypt(key: "../keys/aes-raw"), data, ct), StatusCode.Internal,
            $"{prefix}failed to retrieve the key encryption key: invalid key path: cannot contain '..'");
        var rooted = Path.Combine(_keys.Keys, KeyFolder.AesRaw); // an existing key, named by its absolute path: not outside the folder
        await Fails(() => raw.EncryptAsync(Encrypt(key: rooted), data, ct), StatusCode.Internal,
            $"{prefix}failed to retrieve the key encryption key: failed to load key '{rooted}': open {_keys.Keys}{rooted}: no such file or directory");
        await Fails(() => raw.EncryptAsync(Encrypt(algorithm: "RSA-OAEP-256"), data, ct), StatusCode.Internal, $"{prefix}failed to encrypt data: key type mismatch");
        await Fails(() => raw.EncryptAsync(Encrypt(key: KeyFolder.RsaPem), data, ct), StatusCode.Internal, $"{prefix}failed to encrypt data: key type mismatch");
        await Fails(() => raw.EncryptAsync(Encrypt(key: "short-aes"), data, ct), StatusCode.Internal, $"{prefix}failed to encrypt data: key type mismatch");
        await Fails(() => raw.EncryptAsync(Encrypt(algorithm: "A256CBC-NOPAD"), data, ct), StatusCode.Internal, $"{prefix}failed to encrypt data: invalid nonce");
        await Fails(() => raw.EncryptAsync(Encrypt(key: "signing.json", algorithm: "RSA"), data, ct), StatusCode.Internal, $"{prefix}key cannot perform the 'wrapKey' operation");
        await Fails(() => raw.EncryptAsync(Encrypt(key: "pinned.json"), data, ct), StatusCode.Internal, $"{prefix}key cannot be used with algorithm 'A256KW'");
    }

    [Fact]
    public async Task Chunks_must_come_in_sequence_with_options_only_in_the_first()
    {
        await using var dapr = await _keys.StartAsync();
        using var raw = new RawCrypto(dapr.Sidecar.GrpcEndpoint);
        var ct = TestContext.Current.CancellationToken;
        var chunks = RawCrypto.Chunks(RandomNumberGenerator.GetBytes(300_000)).ToList();
        var skipped = chunks.Where(c => c.Seq != 1).ToList();

        await Fails(() => raw.EncryptAsync(Encrypt(), skipped, ct), StatusCode.Internal, "failed to perform operation: invalid sequence number received: 2 (expected: 1)");
        var ciphertext = await raw.EncryptAsync(Encrypt(), chunks, ct);
        var cipherChunks = RawCrypto.Chunks(ciphertext).ToList();
        await Fails(() => raw.DecryptAsync(Decrypt(), cipherChunks.Where(c => c.Seq != 40), ct), StatusCode.Internal,
            "failed to perform operation: invalid sequence number received: 41 (expected: 40)");

        using var call = raw.Client.EncryptAlpha1(cancellationToken: ct);
        await call.RequestStream.WriteAsync(new EncryptRequest { Options = Encrypt(), Payload = chunks[0] }, ct);
        await call.RequestStream.WriteAsync(new EncryptRequest { Options = Encrypt(), Payload = chunks[1] }, ct);
        await call.RequestStream.CompleteAsync();
        await Fails(async () => { await foreach (var _ in call.ResponseStream.ReadAllAsync(ct)) { } }, StatusCode.Internal,
            "failed to perform operation: options found in non-leading message");
    }

    [Fact]
    public async Task Decryption_fails_on_another_key_tampering_or_not_a_document()
    {
        await using var dapr = await _keys.StartAsync();
        using var raw = new RawCrypto(dapr.Sidecar.GrpcEndpoint);
        var ct = TestContext.Current.CancellationToken;
        var plaintext = RandomNumberGenerator.GetBytes(100_000);
        var ciphertext = await raw.EncryptAsync(Encrypt(), RawCrypto.Chunks(plaintext), ct);
        const string prefix = "failed to perform operation: ";

        Assert.Equal(plaintext, await raw.DecryptAsync(Decrypt(), RawCrypto.Chunks(ciphertext), ct));
        await Fails(() => raw.DecryptAsync(Decrypt(KeyFolder.AesBase64), RawCrypto.Chunks(ciphertext), ct), StatusCode.Internal, $"{prefix}failed to validate the document's signature");
        await Fails(() => raw.DecryptAsync(Decrypt("nope"), RawCrypto.Chunks(ciphertext), ct), StatusCode.Internal, $"{prefix}failed to validate the document's signature");
        await Fails(() => raw.DecryptAsync(Decrypt(KeyFolder.RsaPem), RawCrypto.Chunks(ciphertext), ct), StatusCode.Internal, $"{prefix}failed to validate the document's signature");

        var tampered = ciphertext.ToArray();
        tampered[^1] ^= 0x80;
        await Fails(() => raw.DecryptAsync(Decrypt(), RawCrypto.Chunks(tampered), ct), StatusCode.Internal, $"{prefix}error processing segment 1: failed to decrypt segment");
        await Fails(() => raw.DecryptAsync(Decrypt(), RawCrypto.Chunks("not encrypted\nat all\nreally\n"u8.ToArray()), ct), StatusCode.Internal, $"{prefix}invalid header: unsupported scheme");
        await Fails(() => raw.DecryptAsync(Decrypt(), RawCrypto.Chunks("dapr.io/enc/v1\n{\"kw\":9}\nAAAA\n"u8.ToArray()), ct), StatusCode.Internal, $"{prefix}invalid header: invalid manifest");
        await Fails(() => raw.DecryptAsync(Decrypt(), RawCrypto.Chunks("dapr.io/enc/v1\n"u8.ToArray()), ct), StatusCode.Internal, $"{prefix}invalid header: manifest not found");
    }

    [Fact]
    public async Task Manifest_names_the_decryption_key_unless_told_otherwise()
    {
        await using var dapr = await _keys.StartAsync();
        using var raw = new RawCrypto(dapr.Sidecar.GrpcEndpoint);
        var ct = TestContext.Current.CancellationToken;
        var plaintext = "named"u8.ToArray();

        var byDefault = await raw.EncryptAsync(Encrypt(), RawCrypto.Chunks(plaintext), ct);
        var other = await raw.EncryptAsync(Encrypt().MergeWith(new() { DecryptionKeyName = "other-name" }), RawCrypto.Chunks(plaintext), ct);
        var omitted = await raw.EncryptAsync(Encrypt().MergeWith(new() { DecryptionKeyName = "other-name", OmitDecryptionKeyName = true }), RawCrypto.Chunks(plaintext), ct);

        Assert.StartsWith($"{{\"k\":\"{KeyFolder.AesRaw}\",\"kw\":1,", SdkRoundTripTests.Manifest(byDefault));
        Assert.StartsWith("{\"k\":\"other-name\",", SdkRoundTripTests.Manifest(other));
        Assert.StartsWith("{\"kw\":1,", SdkRoundTripTests.Manifest(omitted));
        Assert.Equal(plaintext, await raw.DecryptAsync(new() { ComponentName = KeyFolder.Component }, RawCrypto.Chunks(byDefault), ct));
        await Fails(() => raw.DecryptAsync(new() { ComponentName = KeyFolder.Component }, RawCrypto.Chunks(omitted), ct), StatusCode.Internal,
            "failed to perform operation: document's manifest does not contain a key name, and no key name was provided");
        Assert.Equal(plaintext, await raw.DecryptAsync(Decrypt(), RawCrypto.Chunks(omitted), ct));
    }

    [Fact]
    public async Task Options_without_data_encrypt_the_empty_document()
    {
        await using var dapr = await _keys.StartAsync();
        using var raw = new RawCrypto(dapr.Sidecar.GrpcEndpoint);
        var ct = TestContext.Current.CancellationToken;

        var ciphertext = await raw.EncryptAsync(Encrypt(algorithm: "aes"), [], ct);
        var plaintext = await raw.DecryptAsync(Decrypt(), RawCrypto.Chunks(ciphertext), ct);

        Assert.Equal(ciphertext.Length, SdkRoundTripTests.HeaderLength(ciphertext));
        Assert.Empty(plaintext);
    }

    [Fact]
    public async Task A_stream_whose_first_message_never_comes_fails_after_five_seconds()
    {
        await using var dapr = await _keys.StartAsync();
        using var raw = new RawCrypto(dapr.Sidecar.GrpcEndpoint);
        var ct = TestContext.Current.CancellationToken;
        using var call = raw.Client.DecryptAlpha1(cancellationToken: ct);

        var e = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(ct));

        Assert.Equal((StatusCode.InvalidArgument, "invalid request: error waiting for first message: context deadline exceeded"), (e.StatusCode, e.Status.Detail));
    }
}

internal static class RequestOptionsExtensions
{
    public static EncryptRequestOptions MergeWith(this EncryptRequestOptions options, EncryptRequestOptions more)
    {
        var merged = options.Clone();
        merged.MergeFrom(more);
        return merged;
    }
}
