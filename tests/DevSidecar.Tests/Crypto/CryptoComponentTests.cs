#pragma warning disable DAPR_CRYPTOGRAPHY // the SDK's cryptography API is experimental
using Dapr.Client;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Tests.Crypto;

/// <summary>crypto.dapr.localstorage's metadata: what stops start-up, and where a relative path leads.</summary>
public sealed class CryptoComponentTests : IDisposable
{
    private readonly KeyFolder _keys = new();

    public void Dispose() => _keys.Dispose();

    [Fact]
    public async Task Bad_metadata_stops_start_up_naming_file_and_field()
    {
        var missing = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(new Dictionary<string, string>
        {
            ["crypto.yaml"] = Yaml.Component("localcrypto", "crypto.dapr.localstorage"),
        }));
        var notThere = await Assert.ThrowsAsync<ResourceException>(() => _keys.StartAsync(Path.Combine(_keys.Keys, "absent")));
        var aFile = await Assert.ThrowsAsync<ResourceException>(() => _keys.StartAsync(Path.Combine(_keys.Keys, KeyFolder.AesRaw)));
        var misspelt = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(new Dictionary<string, string>
        {
            ["crypto.yaml"] = Yaml.Component("localcrypto", "crypto.dapr.localstorage", ("path", _keys.Keys), ("paht", _keys.Keys)),
        }));
        var version = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(new Dictionary<string, string>
        {
            ["crypto.yaml"] = Yaml.Component("localcrypto", "crypto.dapr.localstorage", ("path", _keys.Keys)).Replace("version: v1", "version: v2", StringComparison.Ordinal),
        }));

        Assert.All((ResourceException[])[missing, notThere, aFile, misspelt, version], e => Assert.EndsWith("crypto.yaml", e.File));
        Assert.Equal(
            ["spec.metadata.path", "spec.metadata.path", "spec.metadata.path", "spec.metadata.paht", "spec.version"],
            [missing.Field, notThere.Field, aFile.Field, misspelt.Field, version.Field]);
        Assert.Contains("absent", notThere.Message);
        Assert.Contains("not a directory", aFile.Message);
    }

    [Fact]
    public async Task Relative_path_resolves_against_the_sidecars_working_directory()
    {
        var workingDirectory = Path.GetDirectoryName(_keys.Keys)!;
        var plaintext = "relative"u8.ToArray();
        await using var dapr = await TestSidecar.StartAsync(
            new Dictionary<string, string> { ["crypto.yaml"] = Yaml.Component(KeyFolder.Component, "crypto.dapr.localstorage", ("path", "keys")) },
            configure: o => o with { WorkingDirectory = workingDirectory });
        var ct = TestContext.Current.CancellationToken;

        var ciphertext = await dapr.Client.EncryptAsync(KeyFolder.Component, plaintext, KeyFolder.AesRaw, new EncryptionOptions(KeyWrapAlgorithm.Aes), ct);
        var decrypted = await dapr.Client.DecryptAsync(KeyFolder.Component, ciphertext, KeyFolder.AesRaw, ct);

        Assert.False(ciphertext.IsEmpty);
        Assert.Equal(plaintext, decrypted.ToArray());
    }
}
