namespace ShopDapr.Analytics.Domain.Fraud;

/// <summary>
/// One trained version of the fraud model as listed (<c>kind</c> <c>fraud</c>): when, on which labelled orders (the window,
/// how many, how many fraudulent), its held-out ROC-AUC / PR-AUC beside those of the model serving at the time (none
/// before the first) and of the saga's rules (<see cref="FraudRules"/>; null in versions listed before they were), and
/// whether it was promoted.
/// </summary>
public sealed record FraudModelSummary(
    string Version, DateTimeOffset TrainedAt, DateTimeOffset WindowFrom, DateTimeOffset WindowTo, int Orders, int Frauds,
    FraudMetrics Metrics, string? ComparedWith, FraudMetrics? Incumbent, bool Promoted, FraudMetrics? Rules = null)
{
    public const string KindName = "fraud";

    public string Kind => KindName;
}

/// <summary>The fraud model's versions (state key <c>fraud-models</c>, newest first, at most <see cref="Kept"/>) and the one serving.</summary>
public sealed record FraudModelIndex(string? Current, IReadOnlyList<FraudModelSummary> Versions)
{
    public const int Kept = 20;

    public static FraudModelIndex Empty { get; } = new(null, []);

    public FraudModelIndex Add(FraudModelSummary summary) =>
        new(summary.Promoted ? summary.Version : Current, [summary, .. Versions.Take(Kept - 1)]);

    public IEnumerable<string> Dropped(FraudModelIndex before) => before.Versions.Select(v => v.Version).Except(Versions.Select(v => v.Version));
}

/// <summary>A fraud model's bytes (state key <c>fraud-model-{version}</c>): ML.NET's zip, and the baseline its reasons are measured from.</summary>
public sealed record StoredFraudModel(string Version, byte[] Bytes, float[] Baseline);

/// <summary>
/// What the fraud model is trained and judged on: the log's labelled orders in time order, the first
/// <see cref="TrainShare"/> to learn from, the newest held out.
/// </summary>
public sealed class FraudTrainingSet
{
    public const double TrainShare = 0.8;

    public FraudTrainingSet(IReadOnlyList<FraudRecord> records)
    {
        var ordered = records.OrderBy(r => r.At).ToList();
        var cut = (int)(ordered.Count * TrainShare);
        Train = ordered[..cut];
        HeldOut = ordered[cut..];
    }

    public IReadOnlyList<FraudRecord> Train { get; }

    public IReadOnlyList<FraudRecord> HeldOut { get; }

    public FraudModel Fit(string version) => FraudModel.Fit(version, [.. Train.Select(r => new LabelledVector(r.Features.Vector, r.Fraud))]);

    /// <summary>ROC-AUC and PR-AUC of <paramref name="score"/> on the held-out orders.</summary>
    public FraudMetrics Evaluate(Func<FraudFeatures, double> score) =>
        FraudMetrics.Of([.. HeldOut.Select(r => score(r.Features))], [.. HeldOut.Select(r => r.Fraud)]);

    /// <summary>ROC-AUC and PR-AUC of the saga's rules (<see cref="FraudRules"/>) on the held-out orders: the baseline.</summary>
    public FraudMetrics EvaluateRules() =>
        FraudMetrics.Of([.. HeldOut.Select(FraudRules.Score)], [.. HeldOut.Select(r => r.Fraud)]);

    public FraudMetrics Evaluate(FraudModel model) =>
        FraudMetrics.Of(model.Score([.. HeldOut.Select(r => r.Features.Vector)]), [.. HeldOut.Select(r => r.Fraud)]);
}

/// <summary>A scored order: the probability, the version, and the reasons in words (the features that pushed it up most).</summary>
public sealed record FraudVerdict(double Score, string Version, IReadOnlyList<string> Reasons)
{
    public const int TopReasons = 3;

    public static FraudVerdict Of(FraudModel model, FraudFeatures features)
    {
        var (score, contributions) = model.Explain(features.Vector);
        var reasons = contributions.Select((c, i) => (Contribution: c, Index: i)).Where(p => p.Contribution > 0.005)
            .OrderByDescending(p => p.Contribution).Take(TopReasons)
            .Select(p => $"{features.Describe(p.Index)} (+{p.Contribution.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)})").ToList();
        if (reasons.Count == 0)
            reasons.Add("nothing stands out from a typical legitimate order");
        return new FraudVerdict(score, model.Version, reasons);
    }
}
