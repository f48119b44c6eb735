using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ShopDapr.Keys.Domain;

namespace ShopDapr.Keys;

/// <summary>
/// On start, creates each key of <see cref="KeysOptions.Provision"/> that does not exist yet (audited as <c>app:keys</c>),
/// retrying until the state store and the master key answer; one that exists is left as it is (its versions, its
/// rotation). Replicas may start at once: a create is first-write, so only one of them creates each key. The app is not
/// ready (<c>/healthz</c>) until every configured key exists, so apps that need them are not sent its way before.
/// </summary>
public sealed partial class KeyProvisioning(KeyService keys, IOptions<KeysOptions> options, TimeProvider time, ILogger<KeyProvisioning> logger) : BackgroundService
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);
    private volatile bool _done;

    /// <summary>Whether every configured key exists (or provisioning is off).</summary>
    public bool Done => _done;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.ProvisionOnStart)
            foreach (var key in options.Value.Provision)
                await ProvisionAsync(key, stoppingToken);
        _done = true;
    }

    private async Task ProvisionAsync(ProvisionedKey key, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (await keys.EnsureAsync(key.Name, key.Type, key.RotationPeriod, cancellationToken))
                    LogCreated(logger, key.Name, key.Type);
                return;
            }
            catch (KeyRuleException e)
            {
                LogRefused(logger, key.Name, e.Message); // a configuration mistake: retrying cannot mend it
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRetrying(logger, key.Name, e);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 << Math.Min(attempt, 10), MaxWait.TotalMilliseconds)), time, cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Provisioned key {Name} ({Type})")]
    private static partial void LogCreated(ILogger logger, string name, string type);

    [LoggerMessage(Level = LogLevel.Error, Message = "Key {Name} in Keys:Provision cannot be created: {Reason}")]
    private static partial void LogRefused(ILogger logger, string name, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Key {Name} could not be provisioned yet; retrying")]
    private static partial void LogRetrying(ILogger logger, string name, Exception exception);
}

/// <summary>Readiness: unhealthy until <see cref="KeyProvisioning"/> has made every configured key.</summary>
internal sealed class KeysProvisionedHealthCheck(KeyProvisioning provisioning) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(provisioning.Done
            ? HealthCheckResult.Healthy("The shop's keys exist")
            : HealthCheckResult.Unhealthy("The shop's keys are being created"));
}
