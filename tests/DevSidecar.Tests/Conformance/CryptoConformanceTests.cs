#pragma warning disable DAPR_CRYPTOGRAPHY // the SDK's cryptography API is experimental
using System.Security.Cryptography;
using Dapr.Client;
using Grpc.Core;
using ShopDapr.DevSidecar.Tests.Crypto;

namespace ShopDapr.DevSidecar.Tests.Conformance;

/// <summary>crypto.dapr.localstorage through the SDK, and the status of a call that names a key the folder lacks.</summary>
public sealed class CryptoConformanceTests
{
    [Theory]
    [MemberData(nameof(SidecarTarget.All), MemberType = typeof(SidecarTarget))]
    public async Task Local_storage_keys_round_trip_and_a_missing_key_fails_as_daprd(string kind)
    {
        var ct = TestContext.Current.CancellationToken;
        using var keys = new KeyFolder();
        using var dir = new TempDir();
        var resources = Directory.CreateDirectory(dir.File("resources")).FullName;
        await File.WriteAllTextAsync(Path.Combine(resources, "crypto.yaml"),
            Yaml.Component(KeyFolder.Component, "crypto.dapr.localstorage", ("path", keys.Keys)), ct);
        await using var target = await SidecarTarget.StartAsync(kind, "conformance-crypto", resources);
        var plaintext = RandomNumberGenerator.GetBytes(100_000);

        var aes = await target.Client.EncryptAsync(KeyFolder.Component, plaintext, KeyFolder.AesRaw, new EncryptionOptions(KeyWrapAlgorithm.Aes), ct);
        var rsa = await target.Client.EncryptAsync(KeyFolder.Component, plaintext, KeyFolder.RsaPem, new EncryptionOptions(KeyWrapAlgorithm.Rsa), ct);

        Assert.Equal(plaintext, (await target.Client.DecryptAsync(KeyFolder.Component, aes, KeyFolder.AesRaw, ct)).ToArray());
        Assert.Equal(plaintext, (await target.Client.DecryptAsync(KeyFolder.Component, rsa, KeyFolder.RsaPem, ct)).ToArray());
        using var raw = new RawCrypto(target.GrpcEndpoint);
        var missing = await Assert.ThrowsAsync<RpcException>(() => raw.EncryptAsync(
            new() { ComponentName = KeyFolder.Component, KeyName = "absent", KeyWrapAlgorithm = "A256KW" }, RawCrypto.Chunks(plaintext), ct));
        Assert.Equal(StatusCode.Internal, missing.StatusCode);
        Assert.StartsWith("failed to perform operation: failed to wrap the file key: failed to retrieve the key encryption key: failed to load key 'absent': open ", missing.Status.Detail);
        var wrongKey = await Assert.ThrowsAsync<RpcException>(() => raw.DecryptAsync(
            new() { ComponentName = KeyFolder.Component, KeyName = KeyFolder.AesBase64 }, RawCrypto.Chunks(aes.ToArray()), ct));
        Assert.Equal((StatusCode.Internal, "failed to perform operation: failed to validate the document's signature"), (wrongKey.StatusCode, wrongKey.Status.Detail));
    }
}
