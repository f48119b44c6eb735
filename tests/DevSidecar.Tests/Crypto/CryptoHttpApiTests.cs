#pragma warning disable DAPR_CRYPTOGRAPHY // the SDK's cryptography API is experimental
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace ShopDapr.DevSidecar.Tests.Crypto;

/// <summary><c>PUT /v1.0-alpha1/crypto/{name}/encrypt|decrypt</c>: options in headers, daprd's status codes and error codes.</summary>
public sealed class CryptoHttpApiTests : IDisposable
{
    private readonly KeyFolder _keys = new();

    public void Dispose() => _keys.Dispose();

    private static HttpRequestMessage Put(string path, byte[] body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new ByteArrayContent(body) };
        foreach (var (name, value) in headers)
            request.Headers.Add(name, value);
        return request;
    }

    [Fact]
    public async Task Http_and_grpc_read_each_others_documents()
    {
        await using var dapr = await _keys.StartAsync();
        using var http = new HttpClient { BaseAddress = dapr.Sidecar.HttpEndpoint };
        var ct = TestContext.Current.CancellationToken;
        var plaintext = RandomNumberGenerator.GetBytes(140_000);

        using var encrypted = await http.SendAsync(Put("/v1.0-alpha1/crypto/localcrypto/encrypt", plaintext,
            ("dapr-key-name", KeyFolder.RsaPem), ("dapr-key-wrap-algorithm", "rsa"), ("dapr-data-encryption-cipher", "chacha20-poly1305")), ct);
        var ciphertext = await encrypted.Content.ReadAsByteArrayAsync(ct);
        var viaSdk = await dapr.Client.DecryptAsync(KeyFolder.Component, ciphertext, KeyFolder.RsaPem, ct);
        var sdkCiphertext = await dapr.Client.EncryptAsync(KeyFolder.Component, plaintext, KeyFolder.AesRaw, new Dapr.Client.EncryptionOptions(Dapr.Client.KeyWrapAlgorithm.Aes), ct);
        using var decrypted = await http.SendAsync(Put("/v1.0-alpha1/crypto/localcrypto/decrypt", sdkCiphertext.ToArray(), ("dapr-key-name", KeyFolder.AesRaw)), ct);

        Assert.Equal(HttpStatusCode.OK, encrypted.StatusCode);
        Assert.Equal("application/octet-stream", encrypted.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith($"{{\"k\":\"{KeyFolder.RsaPem}\",\"kw\":5,", SdkRoundTripTests.Manifest(ciphertext));
        Assert.Equal(plaintext, viaSdk.ToArray());
        Assert.Equal(HttpStatusCode.OK, decrypted.StatusCode);
        Assert.Equal(plaintext, await decrypted.Content.ReadAsByteArrayAsync(ct));
    }

    [Fact]
    public async Task Errors_carry_daprds_status_and_error_code()
    {
        await using var dapr = await _keys.StartAsync();
        using var http = new HttpClient { BaseAddress = dapr.Sidecar.HttpEndpoint };
        var ct = TestContext.Current.CancellationToken;
        byte[] data = [1, 2, 3];
        using var good = await http.SendAsync(Put("/v1.0-alpha1/crypto/localcrypto/encrypt", RandomNumberGenerator.GetBytes(100_000),
            ("dapr-key-name", KeyFolder.AesRaw), ("dapr-key-wrap-algorithm", "A256KW"), ("dapr-omit-decryption-key-name", "true")), ct);
        var tampered = await good.Content.ReadAsByteArrayAsync(ct);
        tampered[^1] ^= 1;

        async Task<(HttpStatusCode, string?, string?)> Answer(HttpRequestMessage request)
        {
            using (request)
            {
                using var response = await http.SendAsync(request, ct);
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
                return (response.StatusCode, body.GetProperty("errorCode").GetString(), body.GetProperty("message").GetString());
            }
        }

        Assert.Equal((HttpStatusCode.BadRequest, "ERR_CRYPTO_PROVIDER_NOT_FOUND", "crypto provider vault not found"),
            await Answer(Put("/v1.0-alpha1/crypto/vault/encrypt", data, ("dapr-key-name", "k"), ("dapr-key-wrap-algorithm", "A256KW"))));
        Assert.Equal((HttpStatusCode.BadRequest, "ERR_BAD_REQUEST", "invalid request: missing header 'dapr-key-name'"),
            await Answer(Put("/v1.0-alpha1/crypto/localcrypto/encrypt", data, ("dapr-key-wrap-algorithm", "A256KW"))));
        Assert.Equal((HttpStatusCode.BadRequest, "ERR_BAD_REQUEST", "invalid request: missing header 'dapr-key-wrap-algorithm'"),
            await Answer(Put("/v1.0-alpha1/crypto/localcrypto/encrypt", data, ("dapr-key-name", KeyFolder.AesRaw))));
        Assert.Equal((HttpStatusCode.InternalServerError, "ERR_CRYPTO", "failed to perform operation: option Algorithm is not valid: algorithm A128CBC is not supported"),
            await Answer(Put("/v1.0-alpha1/crypto/localcrypto/encrypt", data, ("dapr-key-name", KeyFolder.AesRaw), ("dapr-key-wrap-algorithm", "A128CBC"))));
        Assert.Equal((HttpStatusCode.InternalServerError, "ERR_CRYPTO", "failed to perform operation: document's manifest does not contain a key name, and no key name was provided"),
            await Answer(Put("/v1.0-alpha1/crypto/localcrypto/decrypt", await good.Content.ReadAsByteArrayAsync(ct))));
        Assert.Equal((HttpStatusCode.InternalServerError, "ERR_CRYPTO", "failed to perform operation: failed to validate the document's signature"),
            await Answer(Put("/v1.0-alpha1/crypto/localcrypto/decrypt", tampered, ("dapr-key-name", KeyFolder.AesBase64))));
        Assert.Equal((HttpStatusCode.InternalServerError, "ERROR", "error processing segment 1: failed to decrypt segment"),
            await Answer(Put("/v1.0-alpha1/crypto/localcrypto/decrypt", tampered, ("dapr-key-name", KeyFolder.AesRaw))));
    }
}
