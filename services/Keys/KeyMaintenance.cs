using Microsoft.Extensions.Options;
using ShopDapr.Keys.Infrastructure;

namespace ShopDapr.Keys;

/// <summary>
/// Every <see cref="KeysOptions.MaintenanceInterval"/>: rotates each key whose rotation period has passed and destroys each
/// key whose deletion date has passed (its material removed from the store), each change audited as <c>app:keys</c>.
/// Replicas may sweep at once: each change is guarded by the key's ETag and decided again after a lost race.
/// </summary>
public sealed partial class KeyMaintenance(KeyService keys, KeyStore store, TimeProvider time, IOptions<KeysOptions> options, ILogger<KeyMaintenance> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.MaintenanceInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(logger, e); // the next tick tries again
            }
        }
    }

    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var (index, _) = await store.GetIndexAsync(cancellationToken);
        foreach (var name in index.Names)
            if (await keys.MaintainAsync(name, cancellationToken) is { } changed)
                LogMaintained(logger, name, changed.State, changed.LatestVersion);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Maintenance: key {Name} is {State} at version {Version}")]
    private static partial void LogMaintained(ILogger logger, string name, Domain.KeyState state, int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Maintenance sweep failed; retrying at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
