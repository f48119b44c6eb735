namespace ShopDapr.Analytics.Domain;

/// <summary>Why a product was proposed.</summary>
public enum CandidateSource { BoughtTogether, TrendingInCategory, Trending }

/// <summary>
/// A product proposed to one customer, with the features a ranker scores it by (each in [0, 1] but the price band):
/// co-occurrence with what the customer viewed and bought, popularity over the last day, recent popularity (last hour),
/// the customer's affinity for its category, and its price band.
/// </summary>
public sealed record Candidate(
    Guid ProductId, string? Category, CandidateSource Source,
    double CoOccurrence, double Popularity, double Recency, double Affinity, int PriceBand)
{
    public float[] Features => [(float)CoOccurrence, (float)Popularity, (float)Recency, (float)Affinity, PriceBand];

    public const int FeatureCount = 5;
}

/// <summary>Orders candidates: the higher the score, the earlier.</summary>
public interface IRanker
{
    /// <summary>A name for what ranked (shown with the results, e.g. a model version).</summary>
    string Name { get; }

    IReadOnlyList<double> Score(IReadOnlyList<Candidate> candidates);
}

/// <summary>
/// The hand-weighted ranker: bought-together first, then the customer's categories, then popularity. What serves when no
/// learned model is promoted (or the promoted one cannot be loaded), and the baseline a learned one must beat.
/// </summary>
public sealed class HeuristicRanker : IRanker
{
    public static HeuristicRanker Instance { get; } = new();

    public string Name => "heuristic";

    public IReadOnlyList<double> Score(IReadOnlyList<Candidate> candidates) =>
        [.. candidates.Select(c => 2 * c.CoOccurrence + c.Affinity + 0.5 * c.Popularity + 0.25 * c.Recency)];
}

/// <summary>Turns raw per-product scores into features in [0, 1] (share of the strongest).</summary>
public static class Normalise
{
    public static IReadOnlyDictionary<Guid, double> ByMax(IEnumerable<KeyValuePair<Guid, double>> scores)
    {
        var list = scores.ToList();
        var max = list.Count == 0 ? 0 : list.Max(p => p.Value);
        return list.ToDictionary(p => p.Key, p => max > 0 ? p.Value / max : 0);
    }
}
