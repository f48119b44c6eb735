using System.Net;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using ShopDapr.DevSidecar.Grpc;

namespace ShopDapr.DevSidecar.Invocation;

/// <summary>
/// gRPC InvokeService to an HTTP app, translated as daprd does: the http_extension verb (NONE is sent as the method
/// "NONE", as daprd does) and querystring, data.value as the body, incoming metadata as headers. The app's headers and
/// <c>dapr-http-status</c> come back as response headers; a non-2xx answer becomes the gRPC status daprd maps it to,
/// with the HTTP status text as message.
/// </summary>
internal sealed class GrpcInvocationApi(ServiceInvoker invoker) : IDaprGrpcApi
{
    public void Bind(GrpcMethodTable<DaprGrpcService> methods) =>
        methods.Unary<InvokeServiceRequest, InvokeResponse>("InvokeService", InvokeService);

    private async Task<InvokeResponse> InvokeService(InvokeServiceRequest request, ServerCallContext call)
    {
        var message = request.Message ?? new InvokeRequest();
        var headers = call.RequestHeaders
            .Where(h => !h.IsBinary && !h.Key.StartsWith(':'))
            .Select(h => KeyValuePair.Create(h.Key.StartsWith("grpc-", StringComparison.Ordinal) ? "dapr-" + h.Key : h.Key, h.Value));
        var invocation = new InvocationRequest(
            message.Method,
            (message.HttpExtension?.Verb ?? HTTPExtension.Types.Verb.None).ToString().ToUpperInvariant(),
            message.HttpExtension?.Querystring,
            InvocationHeaders.Forwardable(headers),
            message.Data?.Value.ToByteArray() ?? [],
            string.IsNullOrEmpty(message.ContentType) ? null : message.ContentType)
        {
            TraceParent = call.RequestHeaders.GetValue(InvocationHeaders.TraceParent),
            TraceState = call.RequestHeaders.GetValue(InvocationHeaders.TraceState),
        };

        InvocationResponse response;
        try
        {
            response = await invoker.InvokeAsync(request.Id, invocation, call.CancellationToken);
        }
        catch (InvocationException e)
        {
            throw new RpcException(new Status(StatusCode.Internal, e.Message));
        }

        var metadata = new Metadata();
        foreach (var (name, value) in response.Headers)
        {
            var key = name.ToLowerInvariant();
            // gRPC metadata keys are [0-9a-z_.-]; an HTTP header outside that (or a non-ASCII value) cannot travel as one.
            if (!key.StartsWith("grpc-", StringComparison.Ordinal) && !key.EndsWith("-bin", StringComparison.Ordinal)
                && key.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.')
                && value.All(c => c >= 0x20 && c < 0x7f))
                metadata.Add(key, value);
        }
        metadata.Add(InvocationHeaders.HttpStatus, response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await call.WriteResponseHeadersAsync(metadata);

        if (response.StatusCode is < 200 or > 299)
            throw new RpcException(new Status(CodeFromHttpStatus(response.StatusCode), StatusText(response.StatusCode)));
        return new InvokeResponse
        {
            Data = new Any { Value = ByteString.CopyFrom(response.Body) },
            ContentType = response.ContentType ?? "",
        };
    }

    /// <summary>daprd's invokev1.CodeFromHTTPStatus.</summary>
    internal static StatusCode CodeFromHttpStatus(int status) => status switch
    {
        >= 200 and < 300 => StatusCode.OK,
        408 => StatusCode.Cancelled,
        500 => StatusCode.Unknown,
        400 => StatusCode.Internal,
        504 => StatusCode.DeadlineExceeded,
        404 => StatusCode.NotFound,
        409 => StatusCode.AlreadyExists,
        403 => StatusCode.PermissionDenied,
        401 => StatusCode.Unauthenticated,
        429 => StatusCode.ResourceExhausted,
        501 => StatusCode.Unimplemented,
        503 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    /// <summary>Go's http.StatusText: "Not Found", "Internal Server Error" …</summary>
    private static string StatusText(int status) =>
        System.Text.RegularExpressions.Regex.Replace(((HttpStatusCode)status).ToString(), "(?<=[a-z])(?=[A-Z])", " ");
}
