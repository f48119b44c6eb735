using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ShopDapr.Identity.Users;

/// <summary>
/// Whether the first admin exists yet. Identity reports not ready (<c>/healthz</c>) until it does, so a run that waits
/// for readiness ("Every app is ready", a Kubernetes readiness probe) means the admin of the secret store can sign in.
/// </summary>
public sealed class AdminReadiness : IHealthCheck
{
    private volatile bool _seeded;

    public void Seeded() => _seeded = true;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_seeded
            ? HealthCheckResult.Healthy("the first admin exists")
            : HealthCheckResult.Unhealthy("the first admin is not created yet (waiting for the secret store and the state store)"));
}
