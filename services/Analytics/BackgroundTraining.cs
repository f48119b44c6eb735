using System.Globalization;

namespace ShopDapr.Analytics;

/// <summary>
/// One training at a time, in the background, for each kind of model (the ranker, the fraud model): a trigger starts
/// one and returns at once, so serving never waits for it; a trigger while one runs is a no-op.
/// </summary>
public sealed class BackgroundTraining
{
    private readonly Lock _gate = new();
    private Task _running = Task.CompletedTask;

    /// <summary>The training started last (completed when none runs).</summary>
    public Task Running
    {
        get { lock (_gate) return _running; }
    }

    /// <summary>Starts <paramref name="train"/> unless a training is running; true when this call started it.</summary>
    public bool Trigger(Func<Task> train)
    {
        lock (_gate)
        {
            if (!_running.IsCompleted)
                return false;
            _running = Task.Run(train);
            return true;
        }
    }

    /// <summary>A new version's name: its training time to the millisecond, so versions sort by age.</summary>
    public static string NewVersion(TimeProvider time) => time.GetUtcNow().ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
}
