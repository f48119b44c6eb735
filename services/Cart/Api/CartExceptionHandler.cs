using Dapr;
using Grpc.Core;
using ShopDapr.Cart.Infrastructure;
using ShopDapr.ServiceDefaults.Problems;

namespace ShopDapr.Cart.Api;

/// <summary>A cart that keeps changing is a 409 (retry); an unreachable catalog, ordering or state store is a 503 — neither is a client mistake dressed as a 500.</summary>
internal sealed class CartExceptionHandler(IProblemDetailsService problems, ILogger<CartExceptionHandler> logger) : ProblemExceptionHandler(problems, logger)
{
    protected override ProblemMapping? Map(Exception exception) => exception switch
    {
        CartConflictException => new(StatusCodes.Status409Conflict, "The cart changed concurrently; retry"),
        CatalogUnavailableException => new(StatusCodes.Status503ServiceUnavailable, "The catalog is unavailable"),
        OrderingUnavailableException => new(StatusCodes.Status503ServiceUnavailable, "Ordering is unavailable; the cart is unchanged"),
        DaprException or RpcException => new(StatusCodes.Status503ServiceUnavailable, "The cart store is unavailable; retry"),
        _ => null,
    };
}
