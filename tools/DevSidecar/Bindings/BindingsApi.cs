using System.Text;
using System.Text.Json;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.Core;
using ShopDapr.DevSidecar.Grpc;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Bindings;

/// <summary>InvokeBinding on the Dapr gRPC API.</summary>
internal sealed class BindingsGrpcApi(BindingService bindings) : IDaprGrpcApi
{
    public void Bind(GrpcMethodTable<DaprGrpcService> methods) =>
        methods.Unary<InvokeBindingRequest, InvokeBindingResponse>("InvokeBinding", InvokeBinding);

    private async Task<InvokeBindingResponse> InvokeBinding(InvokeBindingRequest request, ServerCallContext call)
    {
        try
        {
            var metadata = request.Metadata.ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
            var result = await bindings.InvokeAsync(request.Name, new BindingRequest(request.Operation, request.Data.ToByteArray(), metadata), call.CancellationToken);
            var response = new InvokeBindingResponse { Data = result.Data is null ? ByteString.Empty : ByteString.CopyFrom(result.Data) };
            foreach (var (k, v) in result.Metadata)
                response.Metadata[k] = v;
            return response;
        }
        catch (DaprApiException e)
        {
            throw e.ToRpc();
        }
    }
}

/// <summary><c>POST /v1.0/bindings/{name}</c> with <c>{data, metadata, operation}</c>.</summary>
internal static class BindingsHttpApi
{
    public static void MapBindingsApi(this IEndpointRouteBuilder v1) => v1.MapPost("/bindings/{name}", Invoke).WithDaprErrors();

    private static async Task<IResult> Invoke(string name, HttpContext http, BindingService bindings, CancellationToken cancellationToken)
    {
        using var body = await StateJson.ParseAsync(http.Request, cancellationToken);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw DaprApiException.MalformedBody("expected {\"data\", \"metadata\", \"operation\"}");
        // daprd re-marshals "data" to JSON and hands those bytes to the binding.
        var data = root.TryGetProperty("data", out var d) ? Encoding.UTF8.GetBytes(d.GetRawText()) : "null"u8.ToArray();
        var request = new BindingRequest(StateJson.String(root, "operation") ?? "", data, StateJson.Map(root, "metadata"));
        var result = await bindings.InvokeAsync(name, request, cancellationToken);
        foreach (var (k, v) in result.Metadata)
            http.Response.Headers[$"metadata.{k}"] = v;
        return result.Data is null ? Results.NoContent() : Results.Bytes(result.Data);
    }
}
