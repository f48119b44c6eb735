namespace ShopDapr.DevSidecar.Actors;

/// <summary>
/// Every actorScanInterval, deactivates actors whose last call is older than their type's actorIdleTimeout and actors
/// whose placement moved to another replica (daprd's drainRebalancedActors), unless a call holds or waits for them.
/// </summary>
internal sealed partial class IdleActorScanner(HostedActors hosted, ActorPlacement placement, TimeProvider time, ILogger<IdleActorScanner> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var config = await hosted.Config.WaitAsync(stoppingToken);
        if (config.Entities.Count == 0)
            return;
        using var ticks = new PeriodicTimer(config.ScanInterval, time);
        while (await ticks.WaitForNextTickAsync(stoppingToken))
        {
            var now = time.GetUtcNow();
            foreach (var actor in hosted.Active.ToList())
            {
                if (!actor.Lock.IsIdle)
                    continue;
                var reason = now - actor.LastUsed >= config.For(actor.Key.Type).IdleTimeout ? "idle"
                    : !placement.IsLocal(actor.Key) ? "rebalanced"
                    : null;
                if (reason is null)
                    continue;
                try
                {
                    await hosted.DeactivateAsync(actor, reason, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(actor.Key.ToString(), e);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Deactivating actor {Actor} failed")]
    private partial void LogFailed(string actor, Exception e);
}
