using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using DaprGrpc = Dapr.Client.Autogen.Grpc.v1.Dapr;

namespace ShopDapr.DevSidecar.Tests.Crypto;

/// <summary>
/// A folder of keys for <c>crypto.dapr.localstorage</c>, in each format the component reads, and a sidecar over it.
/// </summary>
public sealed class KeyFolder : IDisposable
{
    public const string Component = "localcrypto";

    /// <summary>32 raw bytes in a file without an extension.</summary>
    public const string AesRaw = "aes-raw";

    /// <summary>32 bytes, base64 with a trailing newline.</summary>
    public const string AesBase64 = "aes-base64";

    /// <summary>A JWK of type oct.</summary>
    public const string AesJwk = "aes.json";

    /// <summary>An RSA-2048 private key, PKCS#8 PEM.</summary>
    public const string RsaPem = "rsa.pem";

    /// <summary>The public half of <see cref="RsaPem"/>, SPKI PEM.</summary>
    public const string RsaPublicPem = "rsa-public.pem";

    /// <summary>An RSA-2048 private key as a JWK.</summary>
    public const string RsaJwk = "rsa.json";

    private readonly TempDir _dir = new();

    public KeyFolder()
    {
        Aes = RandomNumberGenerator.GetBytes(32);
        File.WriteAllBytes(Path.Combine(Keys, AesRaw), Aes);
        File.WriteAllText(Path.Combine(Keys, AesBase64), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n");
        File.WriteAllText(Path.Combine(Keys, AesJwk), JsonSerializer.Serialize(new { kty = "oct", k = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)) }));
        using var rsa = RSA.Create(2048);
        File.WriteAllText(Path.Combine(Keys, RsaPem), rsa.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(Keys, RsaPublicPem), rsa.ExportSubjectPublicKeyInfoPem());
        using var other = RSA.Create(2048);
        File.WriteAllText(Path.Combine(Keys, RsaJwk), Jwk(other.ExportParameters(true)));
    }

    public string Keys => Directory.CreateDirectory(_dir.File("keys")).FullName;

    /// <summary>The bytes of <see cref="AesRaw"/>.</summary>
    public byte[] Aes { get; }

    public void Write(string name, string content) => File.WriteAllText(Path.Combine(Keys, name), content);

    public Task<TestSidecar> StartAsync(string? path = null) => TestSidecar.StartAsync(new Dictionary<string, string>
    {
        ["crypto.yaml"] = Yaml.Component(Component, "crypto.dapr.localstorage", ("path", path ?? Keys)),
    });

    public void Dispose() => _dir.Dispose();

    public static string Jwk(RSAParameters p, string? use = null) => JsonSerializer.Serialize(new Dictionary<string, string?>
    {
        ["kty"] = "RSA",
        ["use"] = use,
        ["n"] = Base64Url.EncodeToString(p.Modulus),
        ["e"] = Base64Url.EncodeToString(p.Exponent),
        ["d"] = Base64Url.EncodeToString(p.D),
        ["p"] = Base64Url.EncodeToString(p.P),
        ["q"] = Base64Url.EncodeToString(p.Q),
        ["dp"] = Base64Url.EncodeToString(p.DP),
        ["dq"] = Base64Url.EncodeToString(p.DQ),
        ["qi"] = Base64Url.EncodeToString(p.InverseQ),
    }.Where(f => f.Value is not null).ToDictionary());
}

/// <summary>The raw gRPC crypto calls, below the SDK (which hides a failed call's status: it yields what came before and stops).</summary>
public sealed class RawCrypto(Uri grpcEndpoint) : IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(grpcEndpoint);

    public DaprGrpc.DaprClient Client => new(_channel);

    public Task<byte[]> EncryptAsync(EncryptRequestOptions? options, IEnumerable<StreamPayload> chunks, CancellationToken cancellationToken) =>
        RunAsync(Client.EncryptAlpha1(cancellationToken: cancellationToken),
            Messages(options, chunks, (o, p) => new EncryptRequest { Options = o, Payload = p }), r => r.Payload, cancellationToken);

    public Task<byte[]> DecryptAsync(DecryptRequestOptions? options, IEnumerable<StreamPayload> chunks, CancellationToken cancellationToken) =>
        RunAsync(Client.DecryptAlpha1(cancellationToken: cancellationToken),
            Messages(options, chunks, (o, p) => new DecryptRequest { Options = o, Payload = p }), r => r.Payload, cancellationToken);

    /// <summary>The options go with the first chunk, or alone when there is no chunk.</summary>
    private static IEnumerable<TRequest> Messages<TOptions, TRequest>(TOptions? options, IEnumerable<StreamPayload> chunks, Func<TOptions?, StreamPayload?, TRequest> message)
        where TOptions : class
    {
        var first = true;
        foreach (var chunk in chunks)
        {
            yield return message(first ? options : null, chunk);
            first = false;
        }
        if (first && options is not null)
            yield return message(options, null);
    }

    /// <summary>
    /// Sends while it reads, as the SDK does: a sidecar may end the call (with its status) before the client has sent
    /// everything, and a write after that fails without saying why; the status comes from the response stream.
    /// </summary>
    private static async Task<byte[]> RunAsync<TRequest, TResponse>(AsyncDuplexStreamingCall<TRequest, TResponse> call, IEnumerable<TRequest> requests,
        Func<TResponse, StreamPayload> payload, CancellationToken cancellationToken)
    {
        using (call)
        {
            var writing = Task.Run(async () =>
            {
                try
                {
                    foreach (var request in requests)
                        await call.RequestStream.WriteAsync(request, cancellationToken);
                    await call.RequestStream.CompleteAsync();
                }
                catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
                {
                    // The call is over; its status is read from the response stream.
                }
            }, cancellationToken);
            var output = await ReadAllAsync(call.ResponseStream, payload, cancellationToken);
            await writing;
            return output;
        }
    }

    /// <summary><paramref name="data"/> in chunks of <paramref name="size"/> bytes, numbered from 0.</summary>
    public static IEnumerable<StreamPayload> Chunks(byte[] data, int size = 4096)
    {
        ulong seq = 0;
        for (var at = 0; at < data.Length; at += size)
            yield return new StreamPayload { Data = ByteString.CopyFrom(data, at, Math.Min(size, data.Length - at)), Seq = seq++ };
    }

    private static async Task<byte[]> ReadAllAsync<T>(IAsyncStreamReader<T> responses, Func<T, StreamPayload> payload, CancellationToken cancellationToken)
    {
        using var output = new MemoryStream();
        ulong expected = 0;
        await foreach (var response in responses.ReadAllAsync(cancellationToken))
        {
            var chunk = payload(response);
            Assert.Equal(expected++, chunk.Seq);
            chunk.Data.WriteTo(output);
        }
        return output.ToArray();
    }

    public void Dispose() => _channel.Dispose();
}
