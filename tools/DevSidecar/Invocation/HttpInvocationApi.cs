using System.Text;
using Microsoft.AspNetCore.Http.Features;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Invocation;

/// <summary>
/// HTTP service invocation: <c>/v1.0/invoke/{appId}/method/{*path}</c> for every verb, and any other request to the
/// HTTP port that carries a <c>dapr-app-id</c> header (or Basic auth user <c>dapr-app-id</c>) and matches no sidecar
/// route — daprd's fallback route. The app's status, headers and body come back unchanged.
/// </summary>
internal static class HttpInvocationApi
{
    public const string Route = "/v1.0/invoke/{appId}/method/{**method}";

    public static void MapInvocation(this WebApplication app)
    {
        app.Use(InvokeByHeader);
        app.Map(Route, (HttpContext http, string appId, string? method) => InvokeAsync(http, appId, method ?? ""));
    }

    /// <summary>Runs after routing: only a request no sidecar route took is an invocation by header, as in daprd.</summary>
    private static Task InvokeByHeader(HttpContext http, RequestDelegate next)
    {
        if (!HttpProtocol.IsHttp11(http.Request.Protocol) && !HttpProtocol.IsHttp10(http.Request.Protocol))
            return next(http);
        var endpoint = http.GetEndpoint();
        if (endpoint is not null && endpoint.DisplayName?.StartsWith("405", StringComparison.Ordinal) != true)
            return next(http);
        var target = TargetFromHeaders(http.Request.Headers);
        if (target is null)
            return next(http);
        http.Request.Headers.Remove(InvocationHeaders.AppIdHeader);
        return InvokeAsync(http, target, http.Request.Path.Value ?? "");
    }

    private static string? TargetFromHeaders(IHeaderDictionary headers)
    {
        if (headers[InvocationHeaders.AppIdHeader].ToString() is { Length: > 0 } appId)
            return appId;
        var auth = headers.Authorization.ToString();
        if (!auth.StartsWith("Basic ", StringComparison.Ordinal))
            return null;
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(auth["Basic ".Length..])).Split(':');
            return pair.Length == 2 && pair[0].Equals(InvocationHeaders.AppIdHeader, StringComparison.OrdinalIgnoreCase) ? pair[1] : null;
        }
        catch (FormatException)
        {
            return null; // not base64: an ordinary Authorization header, not an invocation
        }
    }

    private static async Task InvokeAsync(HttpContext http, string targetId, string method)
    {
        var ct = http.RequestAborted;
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct);
        var headers = http.Request.Headers.SelectMany(h => h.Value.Select(v => KeyValuePair.Create(h.Key, v ?? "")));
        var request = new InvocationRequest(
            method.TrimStart('/'),
            http.Request.Method.ToUpperInvariant(),
            http.Request.QueryString.HasValue ? http.Request.QueryString.Value![1..] : null,
            InvocationHeaders.Forwardable(headers),
            buffer.ToArray(),
            http.Request.ContentType)
        {
            TraceParent = http.Request.Headers[InvocationHeaders.TraceParent].FirstOrDefault(),
            TraceState = http.Request.Headers[InvocationHeaders.TraceState].FirstOrDefault(),
        };

        InvocationResponse response;
        try
        {
            response = await http.RequestServices.GetRequiredService<ServiceInvoker>().InvokeAsync(targetId, request, ct);
        }
        catch (InvocationException e)
        {
            await Results.Json(new DaprError(InvocationException.ErrorCode, e.Message), statusCode: e.HttpStatus).ExecuteAsync(http);
            return;
        }

        http.Response.StatusCode = response.StatusCode;
        foreach (var group in response.Headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
            http.Response.Headers[group.Key] = group.Select(h => h.Value).ToArray();
        if (response.ContentType is not null)
            http.Response.ContentType = response.ContentType;
        if (response.Body.Length > 0)
            await http.Response.Body.WriteAsync(response.Body, ct);
    }
}

/// <summary>daprd's error body: <c>{"errorCode": "...", "message": "..."}</c>.</summary>
internal sealed record DaprError(string ErrorCode, string Message);
