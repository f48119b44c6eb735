using Dapr;
using Grpc.Core;
using ShopDapr.Cart.Infrastructure;
using ShopDapr.ServiceDefaults.Problems;

namespace ShopDapr.Cart.Api;

/// <summary>
/// A cart that keeps changing is a 409 (retry); an unreachable catalog, ordering, card vault or state store is a 503 —
/// neither is a client mistake dressed as a 500. A checkout's 503 carries <c>Retry-After</c>: nothing was written, and the
/// same request with the same Idempotency-Key is safe to send again.
/// </summary>
internal sealed class CartExceptionHandler(IProblemDetailsService problems, ILogger<CartExceptionHandler> logger) : ProblemExceptionHandler(problems, logger)
{
    internal static readonly TimeSpan CheckoutRetryAfter = TimeSpan.FromSeconds(5);

    protected override ProblemMapping? Map(Exception exception) => exception switch
    {
        CartConflictException => new(StatusCodes.Status409Conflict, "The cart changed concurrently; retry"),
        CatalogUnavailableException => new(StatusCodes.Status503ServiceUnavailable, "The catalog is unavailable"),
        OrderingUnavailableException => new(StatusCodes.Status503ServiceUnavailable, "Ordering is unavailable; the cart is unchanged", RetryAfter: CheckoutRetryAfter),
        CardVaultUnavailableException => new(StatusCodes.Status503ServiceUnavailable, "Payment is unavailable; nothing was ordered and the cart is unchanged",
            "The card could not be handed to payment; retry with the same Idempotency-Key.", CheckoutRetryAfter),
        DaprException or RpcException => new(StatusCodes.Status503ServiceUnavailable, "The cart store is unavailable; retry"),
        _ => null,
    };
}
