using Dapr.Client.Autogen.Grpc.v1;
using Grpc.Core;
using ShopDapr.DevSidecar.Grpc;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Secrets;

/// <summary>The secrets half of the Dapr gRPC API: GetSecret, GetBulkSecret.</summary>
internal sealed class SecretsGrpcApi(SecretService secrets) : IDaprGrpcApi
{
    public void Bind(GrpcMethodTable<DaprGrpcService> methods)
    {
        methods.Unary<GetSecretRequest, GetSecretResponse>("GetSecret", GetSecret);
        methods.Unary<GetBulkSecretRequest, GetBulkSecretResponse>("GetBulkSecret", GetBulkSecret);
    }

    private async Task<GetSecretResponse> GetSecret(GetSecretRequest request, ServerCallContext call)
    {
        try
        {
            var response = new GetSecretResponse();
            foreach (var (k, v) in await secrets.GetAsync(request.StoreName, request.Key, request.Metadata, call.CancellationToken))
                response.Data[k] = v;
            return response;
        }
        catch (DaprApiException e)
        {
            throw e.ToRpc();
        }
    }

    private async Task<GetBulkSecretResponse> GetBulkSecret(GetBulkSecretRequest request, ServerCallContext call)
    {
        try
        {
            var response = new GetBulkSecretResponse();
            foreach (var (name, values) in await secrets.GetBulkAsync(request.StoreName, request.Metadata, call.CancellationToken))
            {
                var secret = new SecretResponse();
                foreach (var (k, v) in values)
                    secret.Secrets[k] = v;
                response.Data.Add(name, secret);
            }
            return response;
        }
        catch (DaprApiException e)
        {
            throw e.ToRpc();
        }
    }
}

/// <summary>The secrets HTTP API: <c>GET /v1.0/secrets/{store}/{key}</c> and <c>GET /v1.0/secrets/{store}/bulk</c>.</summary>
internal static class SecretsHttpApi
{
    public static void MapSecretsApi(this IEndpointRouteBuilder v1)
    {
        var group = v1.MapGroup("/secrets/{storeName}").WithDaprErrors();
        group.MapGet("/bulk", GetBulk);
        group.MapGet("/{key}", Get);
    }

    private static async Task<IResult> Get(string storeName, string key, HttpRequest request, SecretService secrets, CancellationToken cancellationToken) =>
        Results.Json(await secrets.GetAsync(storeName, key, StateJson.QueryMetadata(request), cancellationToken));

    private static async Task<IResult> GetBulk(string storeName, HttpRequest request, SecretService secrets, CancellationToken cancellationToken) =>
        Results.Json(await secrets.GetBulkAsync(storeName, StateJson.QueryMetadata(request), cancellationToken));
}
