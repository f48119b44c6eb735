using Dapr;
using Dapr.Actors;
using Microsoft.AspNetCore.Diagnostics;

namespace ShopDapr.Inventory.Api;

/// <summary>A sidecar or actor that cannot be reached is a 503 (retry later), not a 500 — and never a client mistake.</summary>
internal sealed partial class InventoryExceptionHandler(IProblemDetailsService problems, ILogger<InventoryExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (DaprException or DaprApiException or ActorMethodInvocationException or HttpRequestException) || httpContext.Response.HasStarted)
            return false;
        LogUnavailable(logger, exception);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Stock is unavailable right now",
                Detail = "The stock actors or the state store could not be reached; retry later.",
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503: the sidecar, an actor or the state store failed")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}
