using Dapr;
using Grpc.Core;
using Microsoft.AspNetCore.Diagnostics;
using ShopDapr.Ordering.Infrastructure;

namespace ShopDapr.Ordering.Api;

/// <summary>
/// A key that kept changing is a 409 (retry); the sidecar, the state store or the workflow engine being unreachable is a
/// 503 — neither is a client mistake dressed as a 500. A retry is safe: every write of ordering is idempotent.
/// </summary>
internal sealed partial class OrderingExceptionHandler(IProblemDetailsService problems, ILogger<OrderingExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            StateConflictException => (StatusCodes.Status409Conflict, "The order changed concurrently; retry"),
            DaprException or RpcException or HttpRequestException => (StatusCodes.Status503ServiceUnavailable, "A Dapr building block is unavailable; retry"),
            _ => (0, ""),
        };
        if (status == 0 || httpContext.Response.HasStarted)
            return false;
        LogHandled(logger, status, exception);
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = exception.Message },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered {Status}")]
    private static partial void LogHandled(ILogger logger, int status, Exception exception);
}
