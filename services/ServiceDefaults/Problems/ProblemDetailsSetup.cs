using Dapr;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ShopDapr.ServiceDefaults.Events;

namespace ShopDapr.ServiceDefaults.Problems;

/// <summary>
/// Every error is an RFC 7807 body: exceptions, bare status codes (401, 403, 404, 405, 429 …) and requests
/// that fail to bind (malformed JSON, wrong types, wrong content type, too large) — a client mistake is a 4xx, never a 500.
/// </summary>
public static class ProblemDetailsSetup
{
    public static IServiceCollection AddShopProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions.TryAdd("traceId", System.Diagnostics.Activity.Current?.Id ?? c.HttpContext.TraceIdentifier));
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Binding failures throw BadHttpRequestException (with the reason) instead of an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }
}

/// <summary>
/// Turns <see cref="BadHttpRequestException"/> (bind and read failures) into a ProblemDetails with its 4xx status.
/// On a topic subscription the caller is the sidecar delivering an event whose data can never bind (a poison message):
/// that is answered DROP, so it goes to the dead-letter topic at once, rather than a 400 the sidecar would retry under
/// the pub/sub resiliency policy for minutes first.
/// </summary>
internal sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems, ILogger<BadRequestExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted)
            return false;
        // The exception handler middleware has cleared the endpoint by now; its feature keeps the one that threw.
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? httpContext.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<ITopicMetadata>() is { } topic)
        {
            LogPoisonEvent(logger, topic.PubsubName, topic.Name, httpContext.Request.Path, bad.Message);
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            await httpContext.Response.WriteAsJsonAsync(SubscriptionReply.Drop, cancellationToken);
            return true;
        }
        LogBadRequest(logger, bad.StatusCode, bad.Message);
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status400BadRequest ? "The request is malformed" : null,
                Detail = bad.Message,
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rejected a bad request ({Status}): {Reason}")]
    private static partial void LogBadRequest(ILogger logger, int status, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped an event from {PubSub}/{Topic} at {Route} to its dead-letter topic: its data cannot be read ({Reason})")]
    private static partial void LogPoisonEvent(ILogger logger, string pubSub, string topic, string route, string reason);
}
