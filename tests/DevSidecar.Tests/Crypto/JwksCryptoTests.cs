#pragma warning disable DAPR_CRYPTOGRAPHY // the SDK's cryptography API is experimental
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapr.Client;
using Grpc.Core;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Tests.Crypto;

/// <summary><c>crypto.dapr.jwks</c>: a key set inline, base64, in a file or behind a URL; keys looked up by <c>kid</c>.</summary>
public sealed class JwksCryptoTests : IDisposable
{
    private const string Component = "jwkscrypto";

    private readonly TempDir _dir = new();
    private readonly RSA _rsa = RSA.Create(2048);

    public void Dispose()
    {
        _rsa.Dispose();
        _dir.Dispose();
    }

    private string Set(params string[] keys) => $$"""{"keys":[{{string.Join(",", keys)}}]}""";

    private static string Oct(string kid, byte[] key) => JsonSerializer.Serialize(new { kty = "oct", kid, k = Base64Url.EncodeToString(key) });

    private string Rsa(string kid)
    {
        var jwk = JsonSerializer.Deserialize<Dictionary<string, string>>(KeyFolder.Jwk(_rsa.ExportParameters(true)))!;
        jwk["kid"] = kid;
        return JsonSerializer.Serialize(jwk);
    }

    private static Task<TestSidecar> StartAsync(string jwks, Func<ShopDapr.DevSidecar.Hosting.SidecarOptions, ShopDapr.DevSidecar.Hosting.SidecarOptions>? configure = null, params (string, string)[] more) =>
        TestSidecar.StartAsync(new Dictionary<string, string> { ["jwks.yaml"] = Yaml.Component(Component, "crypto.dapr.jwks", [("jwks", jwks.Replace("\"", "\\\"", StringComparison.Ordinal)), .. more]) }, configure: configure);

    private static async Task<byte[]> RoundTripAsync(TestSidecar dapr, string kid, KeyWrapAlgorithm algorithm, byte[] plaintext)
    {
        var ct = TestContext.Current.CancellationToken;
        var ciphertext = await dapr.Client.EncryptAsync(Component, plaintext, kid, new EncryptionOptions(algorithm), ct);
        Assert.False(ciphertext.IsEmpty, $"encryption with {kid} failed");
        return (await dapr.Client.DecryptAsync(Component, ciphertext, kid, ct)).ToArray();
    }

    [Fact]
    public async Task Inline_set_serves_its_keys_by_kid()
    {
        await using var dapr = await StartAsync(Set(Oct("sym", RandomNumberGenerator.GetBytes(32)), Rsa("rsa")));
        var plaintext = RandomNumberGenerator.GetBytes(70_000);

        Assert.Equal(plaintext, await RoundTripAsync(dapr, "sym", KeyWrapAlgorithm.Aes, plaintext));
        Assert.Equal(plaintext, await RoundTripAsync(dapr, "rsa", KeyWrapAlgorithm.Rsa, plaintext));

        using var raw = new RawCrypto(dapr.Sidecar.GrpcEndpoint);
        var e = await Assert.ThrowsAsync<RpcException>(() => raw.EncryptAsync(
            new() { ComponentName = Component, KeyName = "other", KeyWrapAlgorithm = "A256KW" }, RawCrypto.Chunks([1, 2, 3]), TestContext.Current.CancellationToken));
        Assert.Equal("failed to perform operation: failed to wrap the file key: failed to retrieve the key encryption key: key not found", e.Status.Detail);
    }

    [Fact]
    public async Task Base64_set_is_read_too()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        await using var dapr = await StartAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(Set(Oct("sym", key)))));

        Assert.Equal("b64"u8.ToArray(), await RoundTripAsync(dapr, "sym", KeyWrapAlgorithm.Aes, "b64"u8.ToArray()));
    }

    [Fact]
    public async Task File_set_resolves_against_the_working_directory_and_is_read_again_when_it_changes()
    {
        var file = _dir.File("jwks.json");
        await File.WriteAllTextAsync(file, Set(Oct("v1", RandomNumberGenerator.GetBytes(32))), TestContext.Current.CancellationToken);
        await using var dapr = await StartAsync("jwks.json", o => o with { WorkingDirectory = _dir.Path });

        Assert.Equal("one"u8.ToArray(), await RoundTripAsync(dapr, "v1", KeyWrapAlgorithm.Aes, "one"u8.ToArray()));

        await File.WriteAllTextAsync(file, Set(Oct("v1", RandomNumberGenerator.GetBytes(32)), Oct("v2", RandomNumberGenerator.GetBytes(32))), TestContext.Current.CancellationToken);
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(5)); // a change the file system's timestamp granularity cannot hide

        Assert.Equal("two"u8.ToArray(), await RoundTripAsync(dapr, "v2", KeyWrapAlgorithm.Aes, "two"u8.ToArray()));
    }

    [Fact]
    public async Task Url_set_is_fetched_at_start_up()
    {
        var served = Set(Rsa("remote"));
        await using var server = await JwksServer.StartAsync(() => served);
        await using var dapr = await StartAsync(server.Url, more: ("requestTimeout", "5s"));

        Assert.Equal("remote"u8.ToArray(), await RoundTripAsync(dapr, "remote", KeyWrapAlgorithm.RsaOaep256, "remote"u8.ToArray()));
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task A_set_that_cannot_be_read_stops_start_up_naming_the_field()
    {
        var notJson = await Assert.ThrowsAsync<ResourceException>(() => StartAsync("no such file, no JSON"));
        var badKey = await Assert.ThrowsAsync<ResourceException>(() => StartAsync("""{"keys":[{"kty":"RSA","kid":"x"}]}"""));
        await using var server = await JwksServer.StartAsync(() => null);
        var unreachable = await Assert.ThrowsAsync<ResourceException>(() => StartAsync(server.Url, more: ("requestTimeout", "2s")));
        var missing = await Assert.ThrowsAsync<ResourceException>(() => TestSidecar.StartAsync(new Dictionary<string, string>
        {
            ["jwks.yaml"] = Yaml.Component(Component, "crypto.dapr.jwks", ("requestTimeout", "5s")),
        }));

        Assert.All((ResourceException[])[notJson, badKey, unreachable, missing], e => Assert.Equal("spec.metadata.jwks", e.Field));
        Assert.Contains("not a URL, path to local file, or JSON value", notJson.Message);
        Assert.Contains("missing \"n\"", badKey.Message);
        Assert.Contains("404", unreachable.Message);
    }

    /// <summary>Serves a JWKS at <c>/jwks.json</c>; null answers 404.</summary>
    private sealed class JwksServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;

        private JwksServer(WebApplication app) => _app = app;

        public string Url => $"{_app.Urls.First()}/jwks.json";

        public int Requests => Volatile.Read(ref _requests);

        public static async Task<JwksServer> StartAsync(Func<string?> body)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var server = new JwksServer(app);
            app.MapGet("/jwks.json", () =>
            {
                Interlocked.Increment(ref server._requests);
                return body() is { } json ? Results.Text(json, "application/json") : Results.NotFound();
            });
            await app.StartAsync();
            return server;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
