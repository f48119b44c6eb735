using Dapr;
using Microsoft.AspNetCore.Diagnostics;
using ShopDapr.Keys.Domain;
using ShopDapr.Keys.Infrastructure;
using ShopDapr.ServiceDefaults.Problems;

namespace ShopDapr.Keys.Api;

/// <summary>A refused key request is its 4xx, the state named on a 409 (<c>keyState</c>); a refusal never carries material or plaintext.</summary>
internal sealed class KeyRuleExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not KeyRuleException refused || httpContext.Response.HasStarted)
            return false;
        var status = refused.Error switch
        {
            KeyError.Malformed or KeyError.Unsupported => StatusCodes.Status400BadRequest,
            KeyError.NotFound => StatusCodes.Status404NotFound,
            KeyError.Exists or KeyError.WrongState => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status422UnprocessableEntity,
        };
        httpContext.Response.StatusCode = status;
        var context = new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = status, Title = refused.Title, Detail = refused.Message },
        };
        if (refused.State is { } state)
            context.ProblemDetails.Extensions["keyState"] = state.ToString();
        return await problems.TryWriteAsync(context);
    }
}

/// <summary>An unreachable state store or cryptography component, or an audit log that cannot be written: 503, retry later.</summary>
internal sealed class KeysExceptionHandler(IProblemDetailsService problems, ILogger<KeysExceptionHandler> logger) : ProblemExceptionHandler(problems, logger)
{
    protected override ProblemMapping? Map(Exception exception) => exception switch
    {
        AuditUnavailableException => new(StatusCodes.Status503ServiceUnavailable, "The call could not be audited, so it was not done; retry", RetryAfter: TimeSpan.FromSeconds(1)),
        MasterKeyUnavailableException => new(StatusCodes.Status503ServiceUnavailable, "The master key is unavailable; retry",
            Detail: "The cryptography component that holds the master key did not answer.", RetryAfter: TimeSpan.FromSeconds(5)),
        DaprException => new(StatusCodes.Status503ServiceUnavailable, "The key store, the master key or the audit log is unavailable; retry",
            Detail: "A Dapr building block the keys app depends on failed.", RetryAfter: TimeSpan.FromSeconds(5)),
        _ => null,
    };
}
