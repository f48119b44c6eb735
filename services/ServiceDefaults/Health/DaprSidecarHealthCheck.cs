using Dapr.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ShopDapr.ServiceDefaults.Health;

/// <summary>Readiness includes the sidecar: an app whose sidecar is down cannot serve (state, pub/sub, invocation).</summary>
public sealed class DaprSidecarHealthCheck(DaprClient dapr) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await dapr.CheckHealthAsync(cancellationToken)
                ? HealthCheckResult.Healthy("Dapr sidecar is healthy")
                : HealthCheckResult.Unhealthy("Dapr sidecar reports unhealthy");
        }
        catch (HttpRequestException e)
        {
            return HealthCheckResult.Unhealthy("Dapr sidecar is unreachable", e);
        }
    }
}
