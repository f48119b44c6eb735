using Dapr;
using Grpc.Core;
using ShopDapr.Ordering.Infrastructure;
using ShopDapr.ServiceDefaults.Problems;

namespace ShopDapr.Ordering.Api;

/// <summary>
/// A key that kept changing is a 409 (retry); the sidecar, the state store or the workflow engine being unreachable is a
/// 503 — neither is a client mistake dressed as a 500. A retry is safe: every write of ordering is idempotent.
/// </summary>
internal sealed class OrderingExceptionHandler(IProblemDetailsService problems, ILogger<OrderingExceptionHandler> logger) : ProblemExceptionHandler(problems, logger)
{
    protected override ProblemMapping? Map(Exception exception) => exception switch
    {
        StateConflictException => new(StatusCodes.Status409Conflict, "The order changed concurrently; retry"),
        DaprException or RpcException or HttpRequestException => new(StatusCodes.Status503ServiceUnavailable, "A Dapr building block is unavailable; retry"),
        _ => null,
    };
}
