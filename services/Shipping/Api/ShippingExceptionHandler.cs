using Dapr;
using Microsoft.AspNetCore.Diagnostics;
using ShopDapr.Shipping.Infrastructure;

namespace ShopDapr.Shipping.Api;

/// <summary>State that kept changing is a 409 (retry); an unreachable state store a 503. Neither is a bare 500.</summary>
internal sealed partial class ShippingExceptionHandler(IProblemDetailsService problems, ILogger<ShippingExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            ShippingConflictException => (StatusCodes.Status409Conflict, "The shipment changed concurrently; retry"),
            DaprException => (StatusCodes.Status503ServiceUnavailable, "The shipment store is unavailable; retry"),
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
            ProblemDetails = { Status = status, Title = title, Detail = status == StatusCodes.Status409Conflict ? exception.Message : null },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered {Status}")]
    private static partial void LogHandled(ILogger logger, int status, Exception exception);
}
