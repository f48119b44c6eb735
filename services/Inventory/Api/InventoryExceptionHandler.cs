using Dapr;
using Dapr.Actors;
using ShopDapr.Inventory.Infrastructure;
using ShopDapr.ServiceDefaults.Problems;

namespace ShopDapr.Inventory.Api;

/// <summary>A sidecar or actor that cannot be reached is a 503 (retry later), not a 500 — and never a client mistake.</summary>
internal sealed class InventoryExceptionHandler(IProblemDetailsService problems, ILogger<InventoryExceptionHandler> logger) : ProblemExceptionHandler(problems, logger)
{
    protected override ProblemMapping? Map(Exception exception) => exception switch
    {
        DaprException or DaprApiException or ActorMethodInvocationException or HttpRequestException => new(
            StatusCodes.Status503ServiceUnavailable, "Stock is unavailable right now",
            "The stock actors or the state store could not be reached; retry later."),
        CatalogUnavailableException => new(
            StatusCodes.Status503ServiceUnavailable, "The catalog is unavailable right now",
            "Whether the SKU exists could not be checked with the catalog; retry later."),
        _ => null,
    };
}
