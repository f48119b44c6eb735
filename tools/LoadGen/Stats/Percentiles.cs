namespace ShopDapr.LoadGen.Stats;

/// <summary>Percentiles by the nearest-rank method: the smallest sample with at least p % of the samples at or below it.</summary>
public static class Percentiles
{
    /// <summary>The <paramref name="percent"/>-th percentile of <paramref name="sorted"/> (ascending); null when there are no samples.</summary>
    public static double? Of(IReadOnlyList<double> sorted, double percent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (sorted.Count == 0)
            return null;
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }

    /// <summary>Events per second over <paramref name="window"/>; 0 for an empty window.</summary>
    public static double Rate(long count, TimeSpan window) =>
        window > TimeSpan.Zero ? count / window.TotalSeconds : 0;
}
