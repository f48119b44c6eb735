namespace ShopDapr.Analytics.Domain.Fraud;

/// <summary>A fraud scorer's metrics on held-out orders: ROC-AUC, PR-AUC (average precision), and how many cases and frauds.</summary>
public sealed record FraudMetrics(double RocAuc, double PrAuc, int Cases, int Frauds)
{
    /// <summary>At least as good as <paramref name="other"/> on both metrics.</summary>
    public bool AtLeastAsGoodAs(FraudMetrics other) => RocAuc >= other.RocAuc && PrAuc >= other.PrAuc;

    public static FraudMetrics Of(IReadOnlyList<double> scores, IReadOnlyList<bool> labels) =>
        new(BinaryMetrics.RocAuc(scores, labels), BinaryMetrics.AveragePrecision(scores, labels), labels.Count, labels.Count(l => l));
}

/// <summary>Ranking metrics of scores against labels, computed here so that one class missing is an answer (0.5 / 0), not an exception.</summary>
public static class BinaryMetrics
{
    /// <summary>The chance a random positive scores above a random negative (ties count half); 0.5 when a class is missing.</summary>
    public static double RocAuc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        Check(scores, labels);
        var positives = labels.Count(l => l);
        var negatives = labels.Count - positives;
        if (positives == 0 || negatives == 0)
            return 0.5;
        // Mann–Whitney U from average ranks.
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double rankSum = 0;
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]])
                j++;
            var rank = (i + j) / 2.0 + 1;
            for (var k = i; k <= j; k++)
                if (labels[order[k]])
                    rankSum += rank;
            i = j + 1;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>Average precision (the area under the precision–recall curve, step-wise; tied scores taken together); 0 without positives.</summary>
    public static double AveragePrecision(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        Check(scores, labels);
        var positives = labels.Count(l => l);
        if (positives == 0)
            return 0;
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        double ap = 0;
        int truePositives = 0, seen = 0;
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            var hits = 0;
            while (j < order.Length && scores[order[j]] == scores[order[i]])
            {
                if (labels[order[j]])
                    hits++;
                j++;
            }
            truePositives += hits;
            seen = j;
            ap += hits / (double)positives * (truePositives / (double)seen);
            i = j;
        }
        return ap;
    }

    private static void Check(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        if (scores.Count != labels.Count)
            throw new ArgumentException("One score per label.", nameof(scores));
    }
}
