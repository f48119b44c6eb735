using Microsoft.Extensions.Options;

namespace ShopDapr.Ordering.Infrastructure;

/// <summary>
/// Re-publishes order events whose publish failed (or never ran because the process stopped): every
/// <see cref="OrderingOptions.RelayInterval"/> it walks the outbox worklist (all its buckets). Consumers de-duplicate by event id.
/// </summary>
/// <remarks>
/// Ordering keeps its own outbox rather than Dapr's (ServiceDefaults' OutboxPublishing): Dapr's outbox publishes EVERY
/// upsert of a state transaction, to the one topic of the store component, while ordering's transactions write an
/// order's event stream together with the worklist bucket (and one stream holds several events, each published under
/// its own id): Dapr's would publish the worklist as an order event and could not split a stream into its events.
/// </remarks>
public sealed partial class OutboxRelay(OrderEventStore events, IdLists lists, IOptions<OrderingOptions> options, TimeProvider time, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    /// <summary>One pass over the worklist; returns how many orders are still pending.</summary>
    public async Task<int> RelayOnceAsync(CancellationToken cancellationToken)
    {
        var pending = 0;
        events.ForgetStaleUnmarked();
        foreach (var bucket in IdLists.OutboxKeys)
        {
            foreach (var orderId in await lists.ReadAsync(bucket, cancellationToken))
                if (!await events.PublishPendingAsync(orderId, cancellationToken))
                    pending++;
        }
        return pending;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RelayInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var pending = await RelayOnceAsync(stoppingToken);
                if (pending > 0)
                    LogPending(logger, pending);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The sidecar or store is down: log and try again next tick rather than stop relaying for good.
                LogFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} orders still have unpublished events")]
    private static partial void LogPending(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The outbox relay pass failed; retrying next tick")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
