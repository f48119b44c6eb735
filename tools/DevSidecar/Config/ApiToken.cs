using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http.Features;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Config;

/// <summary>
/// DAPR_API_TOKEN on the HTTP port, as daprd's APITokenAuthMiddleware: every request but GET /v1.0/healthz and
/// GET /v1.0/healthz/outbound needs the <c>dapr-api-token</c> header, else 401 with daprd's plain-text body.
/// The header is removed once checked, so an invoked app never sees the caller's sidecar token.
/// </summary>
internal sealed class ApiTokenMiddleware(RequestDelegate next, SidecarContext sidecar)
{
    public Task InvokeAsync(HttpContext http)
    {
        var token = sidecar.Options.ApiToken;
        if (string.IsNullOrEmpty(token) || HttpProtocol.IsHttp2(http.Request.Protocol))
            return next(http);
        var given = http.Request.Headers[AppChannel.ApiTokenHeader];
        if (!string.Equals(given, token, StringComparison.Ordinal) && !IsExcluded(http.Request))
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            http.Response.ContentType = "text/plain; charset=utf-8";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return http.Response.WriteAsync("invalid api token\n", http.RequestAborted);
        }
        http.Request.Headers.Remove(AppChannel.ApiTokenHeader);
        return next(http);
    }

    private static bool IsExcluded(HttpRequest request)
    {
        var path = request.Path.Value?.Trim('/');
        return HttpMethods.IsGet(request.Method) && path is "v1.0/healthz" or "v1.0/healthz/outbound";
    }
}

/// <summary>DAPR_API_TOKEN on the gRPC port: every call needs metadata <c>dapr-api-token</c>, else Unauthenticated, as daprd.</summary>
internal sealed class ApiTokenInterceptor(SidecarContext sidecar) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Check(ServerCallContext context)
    {
        var token = sidecar.Options.ApiToken;
        if (string.IsNullOrEmpty(token))
            return;
        // daprd answers Unauthenticated with the status text "Unauthorized" (missing or mismatched token alike).
        var given = context.RequestHeaders.GetValue(AppChannel.ApiTokenHeader);
        if (!string.Equals(given, token, StringComparison.Ordinal))
            throw new RpcException(new Status(StatusCode.Unauthenticated, "Unauthorized"));
    }
}
