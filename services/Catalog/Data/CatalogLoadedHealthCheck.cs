using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ShopDapr.Catalog.Data;

/// <summary>Readiness: the catalog serves only once its products are cached and indexed.</summary>
internal sealed class CatalogLoadedHealthCheck(ProductCache cache) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(cache.IsLoaded
            ? HealthCheckResult.Healthy($"{cache.Count} products loaded")
            : HealthCheckResult.Unhealthy("The catalog is still loading"));
}
