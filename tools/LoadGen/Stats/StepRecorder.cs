namespace ShopDapr.LoadGen.Stats;

/// <summary>
/// Latencies and errors of one step (a kind of request, or the checkout→terminal wait), from many shoppers at once.
/// Every sample is kept (a run of minutes holds a few hundred thousand), so the percentiles are exact.
/// </summary>
public sealed class StepRecorder(string name)
{
    private const int KeptErrors = 5;
    private readonly Lock _lock = new();
    private readonly List<double> _millis = [];
    private readonly List<string> _firstErrors = [];
    private long _errors;

    public string Name { get; } = name;

    public long Count
    {
        get
        {
            lock (_lock)
                return _millis.Count;
        }
    }

    public long Errors => Interlocked.Read(ref _errors);

    public void Success(TimeSpan elapsed)
    {
        lock (_lock)
            _millis.Add(elapsed.TotalMilliseconds);
    }

    /// <summary>A failed attempt; the first few descriptions are kept for the report.</summary>
    public void Failure(string description)
    {
        Interlocked.Increment(ref _errors);
        lock (_lock)
        {
            if (_firstErrors.Count < KeptErrors)
                _firstErrors.Add(description);
        }
    }

    public StepSummary Summarize(TimeSpan window)
    {
        double[] sorted;
        string[] errors;
        lock (_lock)
        {
            sorted = [.. _millis];
            errors = [.. _firstErrors];
        }
        Array.Sort(sorted);
        return new StepSummary(Name, sorted.Length, Errors, Percentiles.Rate(sorted.Length, window),
            Percentiles.Of(sorted, 50), Percentiles.Of(sorted, 95), Percentiles.Of(sorted, 99), sorted.Length == 0 ? null : sorted[^1], errors);
    }
}

/// <summary>One step's figures over the measured window; latencies in milliseconds, null without samples.</summary>
public sealed record StepSummary(
    string Step, long Count, long Errors, double PerSecond, double? P50Ms, double? P95Ms, double? P99Ms, double? MaxMs, IReadOnlyList<string> FirstErrors);
