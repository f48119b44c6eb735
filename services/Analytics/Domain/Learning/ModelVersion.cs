namespace ShopDapr.Analytics.Domain.Learning;

/// <summary>
/// One trained version of the ranker as listed: when, on which orders (the training window), its metrics on the held-out
/// orders beside those of the ranker serving at the time and of popularity, and whether it was promoted.
/// </summary>
public sealed record ModelSummary(
    string Version, DateTimeOffset TrainedAt, DateTimeOffset WindowFrom, DateTimeOffset WindowTo, int Orders,
    RankingMetrics Metrics, string ComparedWith, RankingMetrics Incumbent, RankingMetrics Popularity, bool Promoted)
{
    public const string KindName = "ranker";

    public string Kind => KindName;
}

/// <summary>The list of versions (state key <c>models</c>, newest first, at most <see cref="Kept"/>) and the one serving.</summary>
public sealed record ModelIndex(string? Current, IReadOnlyList<ModelSummary> Versions)
{
    public const int Kept = 20;

    public static ModelIndex Empty { get; } = new(null, []);

    public ModelIndex Add(ModelSummary summary) =>
        new(summary.Promoted ? summary.Version : Current, [summary, .. Versions.Take(Kept - 1)]);

    /// <summary>The versions that fell off the list (their model bytes can go).</summary>
    public IEnumerable<string> Dropped(ModelIndex before) => before.Versions.Select(v => v.Version).Except(Versions.Select(v => v.Version));
}

/// <summary>A model's bytes (state key <c>model-{version}</c>): ML.NET's zip, base64 in JSON.</summary>
public sealed record StoredModel(string Version, byte[] Bytes);
