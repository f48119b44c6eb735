using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using ShopDapr.Analytics.Domain;
using ShopDapr.Analytics.Domain.Learning;

namespace ShopDapr.AnalyticsEval;

/// <summary>
/// (b) Supermarket (4,627 baskets over 216 departments): each basket an order of the departments ticked in it. A seeded
/// 80/20 split; analytics' own <see cref="TrainingSet"/> learns the aggregates and <see cref="LearnedRanker"/> the model
/// from the 80 % (unchanged code: every product of every training basket left out in turn). In each test basket of two
/// or more items one item (seeded) is left out and every item the basket does not hold is ranked:
/// <list type="bullet">
/// <item>learned: the candidates analytics would propose (<see cref="TrainingSet.CandidatesFor"/>), ordered by the
/// model, then the items it did not propose by popularity;</item>
/// <item>popularity: items by how many training baskets hold them;</item>
/// <item>co-occurrence: items by how often they were bought with the basket's other items, ties by popularity;</item>
/// <item>heuristic: analytics' hand-weighted ranker over the same candidates, then popularity;</item>
/// <item>EASE: a reference analytics does not serve, the strongest item-to-item model for baskets we know of (Steck,
/// "Embarrassingly Shallow Autoencoders", 2019): item weights B = I − P·diag(1/diag P), P = (XᵀX + λI)⁻¹ over the training
/// baskets X, an item scored by the sum of its weights from the basket's other items.</item>
/// </list>
/// </summary>
public static class BasketEval
{
    private const int Top = 10;

    /// <summary>EASE's regularisation; 50–300 score alike on this data, 100 a little best (seed 42).</summary>
    private const double EaseLambda = 100;

    public static void Run(Arff arff, int seed, Action<string> progress)
    {
        var items = arff.Attributes.Select((a, i) => (a, i)).Where(p => p.a.Name != "total").Select(p => p.i).ToList();
        var ids = items.ToDictionary(i => i, Id);
        var baskets = arff.Rows.Select(r => items.Where(i => r[i] == "t").Select(i => ids[i]).ToList()).Where(b => b.Count > 0).ToList();
        CreditEval.Shuffle(baskets, seed);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var records = baskets.Select((b, n) => new TrainingRecord([], b, new Dictionary<Guid, string>(), new Dictionary<Guid, int>(), start.AddMinutes(n))).ToList();
        var set = new TrainingSet(records);
        var test = set.HeldOut.Where(r => r.Basket.Count >= 2).ToList();
        progress($"supermarket: {baskets.Count} baskets, {items.Count} items, {baskets.Average(b => b.Count):0.0} items a basket; train {set.Train.Count}, test {test.Count} (two or more items)");

        progress($"supermarket: training the ranker (every item of every training basket left out in turn: {set.Train.Sum(r => r.Basket.Count)} cases)");
        var (ranker, _) = LearnedRanker.Train("supermarket", set);
        progress("supermarket: ranker trained; ranking the test baskets");

        var popularity = set.Train.SelectMany(r => r.Basket).GroupBy(p => p).ToDictionary(g => g.Key, g => (double)g.Count());
        var co = new Dictionary<(Guid, Guid), double>();
        foreach (var r in set.Train)
            foreach (var p in r.Basket)
                foreach (var q in r.Basket.Where(q => q != p))
                    co[(p, q)] = co.GetValueOrDefault((p, q)) + 1;
        var all = ids.Values.OrderByDescending(p => popularity.GetValueOrDefault(p)).ThenBy(p => p).ToList();

        var random = new Random(seed);
        var scores = new Dictionary<string, (double Hits, double Ndcg)> { ["learned"] = default, ["popularity"] = default, ["co-occurrence"] = default, ["heuristic"] = default, ["EASE (reference, not served)"] = default };
        var index = all.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
        var ease = Ease([.. set.Train.Select(r => r.Basket.Select(p => index[p]))], all.Count, EaseLambda);
        for (var n = 0; n < test.Count; n++)
        {
            var basket = test[n].Basket;
            var target = basket[random.Next(basket.Count)];
            var context = basket.Where(p => p != target).ToList();
            var held = context.ToHashSet();
            var rest = all.Where(p => !held.Contains(p)).ToList();
            var candidates = set.CandidatesFor(context);
            Add("learned", ByModel(ranker, candidates, rest), target);
            Add("heuristic", ByModel(HeuristicRanker.Instance, candidates, rest), target);
            Add("popularity", rest, target);
            Add("co-occurrence", [.. rest.OrderByDescending(p => context.Sum(c => co.GetValueOrDefault((c, p)))).ThenByDescending(p => popularity.GetValueOrDefault(p)).ThenBy(p => p)], target);
            Add("EASE (reference, not served)", [.. rest.OrderByDescending(p => context.Sum(c => ease[index[c], index[p]])).ThenBy(p => p)], target);
            if ((n + 1) % 200 == 0)
                progress($"supermarket: {n + 1}/{test.Count} test baskets ranked");
        }

        var pop = scores["popularity"];
        Console.WriteLine($"| supermarket, {test.Count} held-out baskets, one item left out (seeded) | hit-rate@10 | NDCG@10 | × popularity (hit / NDCG) |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (name, (hits, ndcg)) in scores)
            Console.WriteLine($"| {name} | {F(hits / test.Count)} | {F(ndcg / test.Count)} | {F(hits / pop.Hits)} / {F(ndcg / pop.Ndcg)} |");

        void Add(string name, IReadOnlyList<Guid> ranking, Guid target)
        {
            var rank = ranking.Take(Top).ToList().IndexOf(target);
            if (rank >= 0)
                scores[name] = (scores[name].Hits + 1, scores[name].Ndcg + 1 / Math.Log2(rank + 2));
        }
    }

    private static List<Guid> ByModel(IRanker ranker, IReadOnlyList<Candidate> candidates, IReadOnlyList<Guid> rest)
    {
        var scored = candidates.Zip(ranker.Score(candidates)).OrderByDescending(p => p.Second).ThenBy(p => p.First.ProductId).Select(p => p.First.ProductId).ToList();
        var proposed = scored.ToHashSet();
        return [.. scored, .. rest.Where(p => !proposed.Contains(p))];
    }

    private static Matrix<double> Ease(IEnumerable<IEnumerable<int>> baskets, int items, double lambda)
    {
        var gram = Matrix<double>.Build.DenseIdentity(items) * lambda;
        foreach (var basket in baskets)
        {
            var b = basket.ToList();
            foreach (var i in b)
                foreach (var j in b)
                    gram[i, j] += 1;
        }
        var p = gram.Inverse();
        return Matrix<double>.Build.Dense(items, items, (i, j) => i == j ? 0 : -p[i, j] / p[j, j]);
    }

    private static Guid Id(int attribute)
    {
        var bytes = new byte[16];
        BitConverter.TryWriteBytes(bytes, attribute);
        return new Guid(bytes);
    }

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
