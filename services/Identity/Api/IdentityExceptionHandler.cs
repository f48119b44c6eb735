using ShopDapr.Identity.Tokens;
using ShopDapr.ServiceDefaults.Problems;

namespace ShopDapr.Identity.Api;

/// <summary>A token that cannot be signed now (keys unreachable, its key missing or disabled) is a 503 to retry, never a 500.</summary>
internal sealed class IdentityExceptionHandler(IProblemDetailsService problems, ILogger<IdentityExceptionHandler> logger) : ProblemExceptionHandler(problems, logger)
{
    protected override ProblemMapping? Map(Exception exception) => exception switch
    {
        TokenSigningUnavailableException => new(StatusCodes.Status503ServiceUnavailable, "Tokens cannot be signed now; retry",
            Detail: "The key management service that signs tokens did not answer or refused.", RetryAfter: TimeSpan.FromSeconds(5)),
        _ => null,
    };
}
