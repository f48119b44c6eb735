namespace ShopDapr.Analytics.Domain.Learning;

/// <summary>
/// One order as the ranker learns from it: what the customer had looked at just before (<see cref="Seeds"/>), what they
/// bought together (<see cref="Basket"/>), and the category and price band of each product named. Product ids only.
/// </summary>
public sealed record TrainingRecord(
    IReadOnlyList<Guid> Seeds,
    IReadOnlyList<Guid> Basket,
    IReadOnlyDictionary<Guid, string> Categories,
    IReadOnlyDictionary<Guid, int> PriceBands,
    DateTimeOffset At);

/// <summary>A page of the training log (state key <c>train-log-{page}</c>), at most <see cref="Size"/> records.</summary>
public sealed record TrainingPage(IReadOnlyList<TrainingRecord> Records)
{
    public const int Size = 200;

    /// <summary>Pages in the ring: the log keeps the last <see cref="Pages"/> × <see cref="Size"/> orders.</summary>
    public const int Pages = 25;

    public static TrainingPage Empty { get; } = new([]);
}

/// <summary>Where the next training record goes (state key <c>train-head</c>).</summary>
public sealed record TrainingHead(long Page)
{
    public int Slot => (int)(Page % TrainingPage.Pages);
}

/// <summary>Offline metrics of a ranker on held-out orders: the share whose left-out item was in the top 10, and NDCG@10.</summary>
public sealed record RankingMetrics(double HitRateAt10, double NdcgAt10, int Cases)
{
    /// <summary>At least as good as <paramref name="other"/> on both metrics.</summary>
    public bool AtLeastAsGoodAs(RankingMetrics other) => HitRateAt10 >= other.HitRateAt10 && NdcgAt10 >= other.NdcgAt10;
}
