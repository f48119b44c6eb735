namespace ShopDapr.Analytics.Domain.Learning;

/// <summary>
/// What the ranker is trained and judged on: the log's orders in time order, the first <see cref="TrainShare"/> to learn
/// the shop's aggregates (co-occurrence, popularity) and the model from, the rest held out. For each order and each of
/// its products the customer had not looked at, the case "given the rest, find this one": its candidates with the
/// features serving computes (<see cref="Candidate"/>), labelled true for the left-out product.
/// </summary>
public sealed class TrainingSet
{
    public const double TrainShare = 0.8;
    private const int Top = 10;

    private readonly Dictionary<Guid, Dictionary<Guid, double>> _co = [];
    private readonly Dictionary<Guid, double> _popularity = [];
    private readonly Dictionary<Guid, double> _recent = [];
    private readonly Dictionary<Guid, string> _categories = [];
    private readonly Dictionary<Guid, int> _bands = [];

    public TrainingSet(IReadOnlyList<TrainingRecord> records)
    {
        var ordered = records.OrderBy(r => r.At).ToList();
        var cut = (int)(ordered.Count * TrainShare);
        Train = ordered[..cut];
        HeldOut = ordered[cut..];
        var recentFrom = (int)(Train.Count * 0.75);
        for (var i = 0; i < Train.Count; i++)
        {
            var r = Train[i];
            foreach (var p in r.Basket)
            {
                _popularity[p] = _popularity.GetValueOrDefault(p) + 1;
                if (i >= recentFrom)
                    _recent[p] = _recent.GetValueOrDefault(p) + 1;
                var partners = _co.TryGetValue(p, out var d) ? d : _co[p] = [];
                foreach (var q in r.Basket.Where(q => q != p))
                    partners[q] = partners.GetValueOrDefault(q) + 1;
            }
        }
        foreach (var r in ordered)
        {
            foreach (var (p, c) in r.Categories)
                _categories[p] = c;
            foreach (var (p, b) in r.PriceBands)
                _bands[p] = b;
        }
        TopPopular = [.. _popularity.OrderByDescending(p => p.Value).ThenBy(p => p.Key).Select(p => p.Key)];
    }

    public IReadOnlyList<TrainingRecord> Train { get; }

    public IReadOnlyList<TrainingRecord> HeldOut { get; }

    public IReadOnlyList<Guid> TopPopular { get; }

    /// <summary>One leave-one-out case: the candidates of a context and the product to find.</summary>
    public sealed record Case(IReadOnlyList<Guid> Context, IReadOnlyList<Candidate> Candidates, Guid Target);

    public IEnumerable<Case> Cases(IEnumerable<TrainingRecord> records)
    {
        foreach (var r in records)
        {
            foreach (var target in r.Basket.Where(p => !r.Seeds.Contains(p)))
            {
                var context = r.Seeds.Concat(r.Basket.Where(p => p != target)).Distinct().ToList();
                if (context.Count == 0)
                    continue;
                yield return new Case(context, CandidatesFor(context), target);
            }
        }
    }

    /// <summary>The candidates serving would propose for <paramref name="context"/> (as <c>RecommendationService</c> does).</summary>
    public IReadOnlyList<Candidate> CandidatesFor(IReadOnlyList<Guid> context)
    {
        var co = new Dictionary<Guid, double>();
        foreach (var seed in context)
            if (_co.TryGetValue(seed, out var partners))
                foreach (var (q, n) in partners)
                    co[q] = co.GetValueOrDefault(q) + n;
        var affinity = context.Select(p => _categories.GetValueOrDefault(p)).OfType<string>()
            .GroupBy(c => c).ToDictionary(g => g.Key, g => (double)g.Count());
        var affinityTotal = affinity.Values.Sum();
        var topCategories = affinity.OrderByDescending(p => p.Value).Take(2).Select(p => p.Key).ToHashSet();

        var ids = new List<Guid>();
        var sources = new Dictionary<Guid, CandidateSource>();
        foreach (var id in co.OrderByDescending(p => p.Value).ThenBy(p => p.Key).Take(50).Select(p => p.Key))
            sources.TryAdd(id, CandidateSource.BoughtTogether);
        foreach (var id in TopPopular.Where(p => _categories.TryGetValue(p, out var c) && topCategories.Contains(c)).Take(25))
            sources.TryAdd(id, CandidateSource.TrendingInCategory);
        foreach (var id in TopPopular.Take(100))
            sources.TryAdd(id, CandidateSource.Trending);
        var excluded = context.ToHashSet();
        var coN = Normalise.ByMax(co);
        var popN = Normalise.ByMax(_popularity);
        var recN = Normalise.ByMax(_recent);
        return [.. sources.Where(s => !excluded.Contains(s.Key)).Take(100).Select(s =>
        {
            var category = _categories.GetValueOrDefault(s.Key);
            var share = category is null || affinityTotal <= 0 ? 0 : affinity.GetValueOrDefault(category) / affinityTotal;
            return new Candidate(s.Key, category, s.Value, coN.GetValueOrDefault(s.Key), popN.GetValueOrDefault(s.Key),
                recN.GetValueOrDefault(s.Key), share, _bands.GetValueOrDefault(s.Key));
        })];
    }

    /// <summary>Hit-rate@10 and NDCG@10 of <paramref name="ranker"/> on the held-out orders.</summary>
    public RankingMetrics Evaluate(IRanker ranker) => Measure(Cases(HeldOut).Select(c =>
    {
        var scores = ranker.Score(c.Candidates);
        return c.Candidates.Zip(scores).OrderByDescending(p => p.Second).ThenBy(p => p.First.ProductId).Select(p => p.First.ProductId).ToList();
    }), Cases(HeldOut).Select(c => c.Target));

    /// <summary>The baseline: the most popular products (of the training part) the customer has not already got.</summary>
    public RankingMetrics EvaluatePopularity() => Measure(Cases(HeldOut).Select(c =>
        TopPopular.Where(p => !c.Context.Contains(p)).Take(Top).ToList()), Cases(HeldOut).Select(c => c.Target));

    private static RankingMetrics Measure(IEnumerable<List<Guid>> rankings, IEnumerable<Guid> targets)
    {
        double hits = 0, ndcg = 0;
        var cases = 0;
        foreach (var (ranking, target) in rankings.Zip(targets))
        {
            cases++;
            var rank = ranking.Take(Top).ToList().IndexOf(target);
            if (rank < 0)
                continue;
            hits++;
            ndcg += 1 / Math.Log2(rank + 2);
        }
        return cases == 0 ? new(0, 0, 0) : new(hits / cases, ndcg / cases, cases);
    }
}
