using System.Globalization;

namespace ShopDapr.Analytics.Domain;

/// <summary>A sliding window of trending: its length, cut into buckets of <see cref="BucketSize"/>.</summary>
public sealed record TrendWindow(string Name, TimeSpan Length, TimeSpan BucketSize)
{
    public static readonly TrendWindow Hour = new("hour", TimeSpan.FromHours(1), TimeSpan.FromMinutes(5));
    public static readonly TrendWindow Day = new("day", TimeSpan.FromDays(1), TimeSpan.FromHours(1));
    public static readonly IReadOnlyList<TrendWindow> All = [Hour, Day];

    /// <summary>The category every product also counts in (trending over the whole shop).</summary>
    public const string AnyCategory = "*";

    public static TrendWindow? Find(string? name) =>
        name is null ? Hour : All.FirstOrDefault(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The start of the bucket <paramref name="at"/> falls in.</summary>
    public DateTimeOffset BucketOf(DateTimeOffset at) =>
        new(at.UtcTicks - at.UtcTicks % BucketSize.Ticks, TimeSpan.Zero);

    /// <summary>State key of a bucket: <c>trend-{window}-{category}-{start}</c>, the category case-folded.</summary>
    public string Key(string category, DateTimeOffset bucket) =>
        $"trend-{Name}-{category.ToLowerInvariant()}-{bucket.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture)}";

    /// <summary>The keys of every bucket of the window ending at <paramref name="now"/>: a fixed number, whatever the history.</summary>
    public IReadOnlyList<string> KeysAt(string category, DateTimeOffset now)
    {
        var last = BucketOf(now);
        var count = (int)(Length.Ticks / BucketSize.Ticks);
        return [.. Enumerable.Range(0, count).Select(i => Key(category, last - BucketSize * i))];
    }

    /// <summary>How long a bucket is kept (state TTL): until it has left the window, with a margin.</summary>
    public TimeSpan Keep => Length + BucketSize * 2;
}

/// <summary>
/// One time bucket of one category (state key from <see cref="TrendWindow.Key"/>): the weighted signal count of each
/// product in it. Bounded: at most <see cref="MaxProducts"/> products, the weakest dropped.
/// </summary>
public sealed record TrendBucket(IReadOnlyDictionary<Guid, double> Scores)
{
    public const int MaxProducts = 500;

    public static TrendBucket Empty { get; } = new(new Dictionary<Guid, double>());

    public TrendBucket Add(Guid productId, double weight)
    {
        var next = new Dictionary<Guid, double>(Scores) { [productId] = Scores.GetValueOrDefault(productId) + weight };
        if (next.Count > MaxProducts)
            next.Remove(next.MinBy(p => p.Value).Key);
        return new(next);
    }

    /// <summary>The buckets of a window summed, strongest first.</summary>
    public static IReadOnlyList<(Guid ProductId, double Score)> Sum(IEnumerable<TrendBucket> buckets) =>
        [.. buckets.SelectMany(b => b.Scores)
            .GroupBy(p => p.Key, p => p.Value)
            .Select(g => (g.Key, g.Sum()))
            .OrderByDescending(p => p.Item2)
            .ThenBy(p => p.Key)];
}
