using System.Text.Json;
using Microsoft.Extensions.Options;
using ShopDapr.Gateway.Problems;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace ShopDapr.Gateway.Routing;

/// <summary>
/// Where no app answered, the client gets <c>503</c> ProblemDetails with <c>Retry-After</c>, never an empty 500 or 502:
/// <list type="bullet">
/// <item>the sidecar answered 5xx with an empty body or a Dapr error body (<c>{"errorCode":"ERR_DIRECT_INVOKE",…}</c>:
/// an open circuit breaker, a timeout, an app that cannot be reached, an app that crashed mid-answer);</item>
/// <item>the sidecar itself could not be reached or did not answer (a forwarding error).</item>
/// </list>
/// An app's own answer — any status with a body of its own, 4xx problems and an app's 503 included — passes unchanged.
/// </summary>
internal static class UpstreamFailures
{
    private const string Title = "The service is unavailable";

    /// <summary>A 5xx body larger than this is an app's answer, not a sidecar's error: passed on unread.</summary>
    private const int MaxSidecarErrorBytes = 16 * 1024;

    /// <summary>The response transform, on every proxied route (see <see cref="DaprInvokeTransforms"/>).</summary>
    public static async ValueTask ReplaceSidecarErrorAsync(ResponseTransformContext context)
    {
        if (context.ProxyResponse is not { } response || (int)response.StatusCode < 500)
            return;
        if (response.Content.Headers.ContentLength is > MaxSidecarErrorBytes)
            return;
        // Buffered: if it is the app's own answer, the forwarder then passes on the buffered copy.
        var body = await response.Content.ReadAsByteArrayAsync(context.CancellationToken);
        if (body.Length > 0 && !IsDaprError(body))
            return;
        context.SuppressResponseBody = true;
        var http = context.HttpContext;
        http.Response.Headers.Clear();
        await WriteUnavailableAsync(http, $"The {AppId(http)} service did not answer ({(int)response.StatusCode} from its sidecar); retry later.");
    }

    /// <summary>Middleware around the proxy: a forwarding error (sidecar unreachable, timed out) becomes a 503 problem.</summary>
    public static async Task HandleForwarderErrorsAsync(HttpContext http, RequestDelegate next)
    {
        await next(http);
        if (http.Response.HasStarted || http.Features.Get<IForwarderErrorFeature>() is not { } failure || IsClientSide(failure.Error))
            return;
        http.Response.Headers.Clear();
        await WriteUnavailableAsync(http, $"The {AppId(http)} service could not be reached; retry later.");
    }

    private static Task WriteUnavailableAsync(HttpContext http, string detail) =>
        GatewayProblems.WriteAsync(http, StatusCodes.Status503ServiceUnavailable, Title, detail,
            http.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.UnavailableRetryAfter);

    /// <summary>The client went away or sent a broken body: not the upstream's fault, and YARP's own status (400 or none) stays.</summary>
    private static bool IsClientSide(ForwarderError error) => error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled
        or ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient;

    /// <summary>daprd's error body: a JSON object with a string <c>errorCode</c> (ERR_DIRECT_INVOKE, ERR_DIRECT_INVOKE_NOT_READY, …).</summary>
    internal static bool IsDaprError(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("errorCode", out var code) && code.ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string AppId(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<Yarp.ReverseProxy.Model.RouteModel>()?.Config.Metadata?.GetValueOrDefault(SidecarProxyConfigProvider.AppIdMetadata)
        ?? "upstream";
}
