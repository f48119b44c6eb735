namespace ShopDapr.DevSidecar.Actors;

/// <summary>
/// Every actorScanInterval, deactivates actors whose last call is older than their type's actorIdleTimeout; and within a
/// second of a placement change (a replica joined), actors now placed on another replica, as daprd drains rebalanced
/// actors. An actor a call holds or waits for is left alone until the next pass.
/// </summary>
internal sealed partial class IdleActorScanner(HostedActors hosted, ActorPlacement placement, TimeProvider time, ILogger<IdleActorScanner> logger)
    : BackgroundService
{
    /// <summary>How often placement is checked for actors that moved away.</summary>
    internal static TimeSpan RebalanceCheck { get; set; } = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var config = await hosted.Config.WaitAsync(stoppingToken);
        if (config.Entities.Count == 0)
            return;
        using var ticks = new PeriodicTimer(config.ScanInterval < RebalanceCheck ? config.ScanInterval : RebalanceCheck, time);
        var lastIdleScan = time.GetUtcNow();
        while (await ticks.WaitForNextTickAsync(stoppingToken))
        {
            var now = time.GetUtcNow();
            var idleScan = now - lastIdleScan >= config.ScanInterval;
            if (idleScan)
                lastIdleScan = now;
            foreach (var actor in hosted.Active.ToList())
            {
                if (!actor.Lock.IsIdle)
                    continue;
                var idleTimeout = config.For(actor.Key.Type).IdleTimeout;
                bool Idle(ActiveActor a) => time.GetUtcNow() - a.LastUsed >= idleTimeout;
                bool Moved(ActiveActor a) => !placement.IsLocal(a.Key);
                var reason = idleScan && Idle(actor) ? "idle" : Moved(actor) ? "rebalanced" : null;
                if (reason is null)
                    continue;
                if (reason == "rebalanced")
                    LogMoved(actor.Key.ToString());
                try
                {
                    await hosted.DeactivateAsync(actor, reason, stoppingToken, reason == "idle" ? Idle : Moved);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(actor.Key.ToString(), e);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Actor {Actor} now belongs to another replica (placement changed): deactivating it here")]
    private partial void LogMoved(string actor);

    [LoggerMessage(Level = LogLevel.Error, Message = "Deactivating actor {Actor} failed")]
    private partial void LogFailed(string actor, Exception e);
}
