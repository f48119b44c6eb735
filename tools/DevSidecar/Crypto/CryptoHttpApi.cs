using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Crypto;

/// <summary>
/// The cryptography HTTP API, as daprd's pkg/api/http/crypto.go: <c>PUT /v1.0-alpha1/crypto/{name}/encrypt</c> and
/// <c>…/decrypt</c>, the body in, the whole result out (application/octet-stream), options in headers:
/// <c>dapr-key-name</c>, <c>dapr-key-wrap-algorithm</c>, <c>dapr-data-encryption-cipher</c>,
/// <c>dapr-omit-decryption-key-name</c>, <c>dapr-decryption-key-name</c>.
/// </summary>
internal static class CryptoHttpApi
{
    public static void MapCryptoApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1.0-alpha1/crypto/{name}").WithDaprErrors();
        group.MapPut("/encrypt", Encrypt);
        group.MapPut("/decrypt", Decrypt);
    }

    private static async Task<IResult> Encrypt(string name, HttpRequest request, CryptoService crypto, CancellationToken cancellationToken)
    {
        var provider = crypto.Find(name);
        var keyName = Header(request, "dapr-key-name") ?? throw CryptoService.BadRequest("missing header 'dapr-key-name'");
        var algorithm = Header(request, "dapr-key-wrap-algorithm") ?? throw CryptoService.BadRequest("missing header 'dapr-key-wrap-algorithm'");
        var options = new EncryptOptions(keyName, algorithm.ToUpperInvariant(), Header(request, "dapr-data-encryption-cipher")?.ToUpperInvariant(),
            Header(request, "dapr-decryption-key-name"), IsTruthy(Header(request, "dapr-omit-decryption-key-name")));
        return await RunAsync((output, ct) => crypto.EncryptAsync(name, provider, options, request.Body, output, ct), cancellationToken);
    }

    private static async Task<IResult> Decrypt(string name, HttpRequest request, CryptoService crypto, CancellationToken cancellationToken)
    {
        var provider = crypto.Find(name);
        var keyName = Header(request, "dapr-key-name");
        return await RunAsync((output, ct) => crypto.DecryptAsync(name, provider, keyName, request.Body, output, ct), cancellationToken);
    }

    /// <summary>Collects the whole output first, as daprd does, so a failure part-way answers with an error, not half a body.</summary>
    private static async Task<IResult> RunAsync(Func<SchemeV1.Send, CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        try
        {
            await operation((chunk, _) =>
            {
                buffer.Write(chunk.Span);
                return ValueTask.CompletedTask;
            }, cancellationToken);
        }
        catch (CryptoOperationException e) when (e.WhileStreaming)
        {
            // daprd reads the output after its crypto call returned, and answers what fails then with its generic error.
            return new DaprApiException(global::Grpc.Core.StatusCode.Internal, 500, "ERROR", e.Message).ToHttp();
        }
        catch (CryptoOperationException e)
        {
            return CryptoService.OperationFailed(e.Message).ToHttp();
        }
        return Results.Bytes(buffer.ToArray(), "application/octet-stream");
    }

    private static string? Header(HttpRequest request, string name) =>
        request.Headers[name].FirstOrDefault() is { Length: > 0 } value ? value : null;

    // dapr/kit's strings.IsTruthy.
    private static bool IsTruthy(string? value) =>
        value?.Trim().ToLowerInvariant() is "y" or "yes" or "true" or "t" or "on" or "1";
}
