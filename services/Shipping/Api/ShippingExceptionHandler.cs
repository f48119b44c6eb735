using Dapr;
using ShopDapr.Shipping.Infrastructure;
using ShopDapr.ServiceDefaults.Problems;

namespace ShopDapr.Shipping.Api;

/// <summary>
/// State that kept changing is a 409 (retry); an unreachable state store, or a broker that refused a status change's event
/// (its transaction failed, nothing was saved), a 503. Neither is a bare 500.
/// </summary>
internal sealed class ShippingExceptionHandler(IProblemDetailsService problems, ILogger<ShippingExceptionHandler> logger) : ProblemExceptionHandler(problems, logger)
{
    protected override ProblemMapping? Map(Exception exception) => exception switch
    {
        ShippingConflictException => new(StatusCodes.Status409Conflict, "The shipment changed concurrently; retry"),
        DaprException => new(StatusCodes.Status503ServiceUnavailable, "The shipment store or the event broker is unavailable; retry"),
        _ => null,
    };
}
