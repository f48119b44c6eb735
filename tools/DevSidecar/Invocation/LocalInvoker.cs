using System.Net.Http.Headers;
using ShopDapr.DevSidecar.Config;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Invocation;

/// <summary>
/// The target side of service invocation (daprd's CallLocal): applies this app's access control to the caller's
/// identity, then calls the app over its <see cref="AppChannel"/> and reads its whole answer.
/// </summary>
public sealed partial class LocalInvoker(SidecarContext sidecar, SidecarConfiguration configuration, ILogger<LocalInvoker> logger)
{
    public async Task<InvocationResponse> InvokeAsync(CallerIdentity caller, InvocationRequest request, CancellationToken cancellationToken)
    {
        if (configuration.AccessControl?.Check(caller, request.Method, VerbForAcl(request.Verb)) is { Allowed: false, Reason: var reason })
        {
            LogDenied(logger, caller.AppId, request.Method, request.Verb);
            throw new InvocationException(sidecar.AppId, $"rpc error: code = PermissionDenied desc = {reason}", StatusCodes.Status403Forbidden);
        }
        return await InvokeAppAsync(caller, request, cancellationToken);
    }

    /// <summary>The call to the app itself, past access control.</summary>
    internal async Task<InvocationResponse> InvokeAppAsync(CallerIdentity caller, InvocationRequest request, CancellationToken cancellationToken)
    {
        var app = sidecar.App
                  ?? throw new InvocationException(sidecar.AppId, "rpc error: code = Internal desc = app channel is not initialized");

        using var message = ToApp(caller, request);
        try
        {
            using var response = await app.Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var headers = InvocationHeaders.Flatten(response.Headers.Concat(response.Content.Headers))
                .Where(h => !InvocationHeaders.IsFraming(h.Key))
                .ToList();
            return new InvocationResponse((int)response.StatusCode, headers, body, response.Content.Headers.ContentType?.ToString());
        }
        catch (HttpRequestException e)
        {
            throw new InvocationException(sidecar.AppId, $"rpc error: code = Internal desc = error invoking app channel: {e.Message}")
            {
                AppUnreachable = AppHealth.IsRefused(e),
            };
        }
    }

    private HttpRequestMessage ToApp(CallerIdentity caller, InvocationRequest request)
    {
        var uri = "/" + request.Method.TrimStart('/') + (string.IsNullOrEmpty(request.QueryString) ? "" : "?" + request.QueryString);
        var message = new HttpRequestMessage(new HttpMethod(request.Verb), new Uri(uri, UriKind.Relative));
        if (request.Body.Length > 0 || request.ContentType is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is not null && MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType))
                message.Content.Headers.ContentType = contentType;
        }
        foreach (var (name, value) in request.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
                message.Content?.Headers.TryAddWithoutValidation(name, value);
        }
        message.Headers.TryAddWithoutValidation(InvocationHeaders.TraceParent, TraceContext.Continue(request.TraceParent, configuration.SamplingRate));
        if (request.TraceState is not null)
            message.Headers.TryAddWithoutValidation(InvocationHeaders.TraceState, request.TraceState);
        message.Headers.TryAddWithoutValidation(InvocationHeaders.CallerAppId, caller.AppId);
        message.Headers.TryAddWithoutValidation(InvocationHeaders.CallerNamespace, caller.Namespace);
        message.Headers.TryAddWithoutValidation(InvocationHeaders.CalleeAppId, sidecar.AppId);
        return message;
    }

    /// <summary>daprd's HTTPExtension verb NONE (a gRPC call without one) is no verb for access control.</summary>
    private static string? VerbForAcl(string verb) => verb == "NONE" ? null : verb;

    [LoggerMessage(Level = LogLevel.Information, Message = "Access control denied {CallerAppId} calling {Method} ({Verb})")]
    private static partial void LogDenied(ILogger logger, string callerAppId, string method, string verb);
}
