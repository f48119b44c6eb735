using Microsoft.AspNetCore.Diagnostics;
using ShopDapr.Cart.Infrastructure;

namespace ShopDapr.Cart.Api;

/// <summary>A cart that keeps changing is a 409 (retry); an unreachable catalog is a 503 — neither is a client mistake dressed as a 500.</summary>
internal sealed partial class CartExceptionHandler(IProblemDetailsService problems, ILogger<CartExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            CartConflictException => (StatusCodes.Status409Conflict, "The cart changed concurrently; retry"),
            CatalogUnavailableException => (StatusCodes.Status503ServiceUnavailable, "The catalog is unavailable"),
            OrderingUnavailableException => (StatusCodes.Status503ServiceUnavailable, "Ordering is unavailable; the cart is unchanged"),
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
