using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ShopDapr.ServiceDefaults.Problems;

/// <summary>
/// The status and title a service answers for an exception it understands; <paramref name="RetryAfter"/> (whole seconds,
/// at least 1) tells the client when a 503 is worth retrying.
/// </summary>
public readonly record struct ProblemMapping(int Status, string Title, string? Detail = null, TimeSpan? RetryAfter = null);

/// <summary>
/// Writes a ProblemDetails for the exceptions a service maps (a conflict to 409, an unreachable dependency to 503 …),
/// so none of them surfaces as a 500. Each service lists its own mapping; exceptions it does not map go on to the next
/// handler. The exception's message is the detail unless the mapping gives one.
/// </summary>
public abstract partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger logger) : IExceptionHandler
{
    /// <summary>The answer for <paramref name="exception"/>, or null to leave it to the next handler.</summary>
    protected abstract ProblemMapping? Map(Exception exception);

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Map(exception) is not { } problem || httpContext.Response.HasStarted)
            return false;
        LogHandled(logger, problem.Status, exception);
        httpContext.Response.StatusCode = problem.Status;
        if (problem.RetryAfter is { } retryAfter)
            httpContext.Response.Headers.RetryAfter = RetryAfter.Header(retryAfter);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = problem.Status, Title = problem.Title, Detail = problem.Detail ?? exception.Message },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered {Status}")]
    private static partial void LogHandled(ILogger logger, int status, Exception exception);
}
