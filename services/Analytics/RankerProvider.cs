using ShopDapr.Analytics.Domain;

namespace ShopDapr.Analytics;

/// <summary>The ranker recommendations are served with right now: the promoted model once one is loaded, else the heuristic.</summary>
public sealed class RankerProvider
{
    private volatile IRanker _current = HeuristicRanker.Instance;

    public IRanker Current => _current;

    public void Use(IRanker ranker) => _current = ranker;
}
