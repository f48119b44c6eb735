using Dapr;
using ShopDapr.Payment.Domain;
using ShopDapr.Payment.Infrastructure;
using ShopDapr.ServiceDefaults.Problems;

namespace ShopDapr.Payment.Api;

/// <summary>State that kept changing is a 409 (retry); an unreachable state store a 503. Neither is a bare 500.</summary>
internal sealed class PaymentExceptionHandler(IProblemDetailsService problems, ILogger<PaymentExceptionHandler> logger) : ProblemExceptionHandler(problems, logger)
{
    protected override ProblemMapping? Map(Exception exception) => exception switch
    {
        PaymentConflictException => new(StatusCodes.Status409Conflict, "The payment changed concurrently; retry"),
        CardCipherUnavailableException => new(StatusCodes.Status503ServiceUnavailable, "The card vault's key is unavailable; retry", RetryAfter: TimeSpan.FromSeconds(5)),
        DaprException => new(StatusCodes.Status503ServiceUnavailable, "The payment store is unavailable; retry"),
        _ => null,
    };
}
