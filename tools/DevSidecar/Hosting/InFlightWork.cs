namespace ShopDapr.DevSidecar.Hosting;

/// <summary>
/// Pub/sub work the process holds only in memory: a message queued in the in-memory broker or in a bulk subscription's
/// batch, or being delivered to an app. One count for the whole process, so a message handed from one queue to the
/// next (a broker worker passing it to a bulk batch, an app publishing while it handles a delivery) never lets it read
/// zero on the way: zero means nothing would be lost by stopping. A graceful stop waits for it (<see cref="WaitIdleAsync"/>).
/// </summary>
public sealed class InFlightWork
{
    private long _count;
    private TaskCompletionSource _idle = NewSignal();

    public long Count => Interlocked.Read(ref _count);

    public void Begin() => Interlocked.Increment(ref _count);

    public void End()
    {
        if (Interlocked.Decrement(ref _count) == 0)
            Interlocked.Exchange(ref _idle, NewSignal()).TrySetResult();
    }

    /// <summary>True once nothing is queued or in delivery; false when <paramref name="limit"/> passed first.</summary>
    public async Task<bool> WaitIdleAsync(TimeSpan limit, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        try
        {
            while (true)
            {
                var signal = Volatile.Read(ref _idle).Task;
                if (Count <= 0)
                    return true;
                await signal.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Count <= 0;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
