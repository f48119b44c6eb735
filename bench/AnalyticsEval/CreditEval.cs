using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using ShopDapr.Analytics.Domain.Fraud;

namespace ShopDapr.AnalyticsEval;

/// <summary>
/// (a) German credit (1,000 applicants, 30 % "bad"): "bad" as the positive class. Numeric attributes as they are, nominal
/// ones one-hot. A seeded 80/20 split; analytics' fraud pipeline (<see cref="FraudModel"/>: FastTree) against an ML.NET
/// logistic regression (L-BFGS, features normalised to mean 0 / variance 1) on the same split; both judged with
/// analytics' own ROC-AUC / PR-AUC.
/// </summary>
public static class CreditEval
{
    public static void Run(Arff arff, int seed, Action<string> progress)
    {
        var classIndex = arff.Attributes.Count - 1;
        var examples = arff.Rows.Select(r => new LabelledVector(Encode(arff, r, classIndex), r[classIndex] == "bad")).ToList();
        var shuffled = examples.ToList();
        Shuffle(shuffled, seed);
        var cut = (int)(shuffled.Count * 0.8);
        var (train, test) = (shuffled[..cut], shuffled[cut..]);
        progress($"credit-g: {examples.Count} rows, {examples[0].Features.Length} features; train {train.Count}, test {test.Count} ({test.Count(e => e.Fraud)} bad)");

        var labels = test.Select(e => e.Fraud).ToList();
        progress("credit-g: FastTree (analytics' fraud pipeline)");
        var fastTree = FraudModel.Fit("credit-g", train);
        var treeMetrics = FraudMetrics.Of(fastTree.Score([.. test.Select(e => e.Features)]), labels);
        progress("credit-g: logistic regression baseline");
        var lrMetrics = FraudMetrics.Of(LogisticRegression(train, test, seed), labels);

        Console.WriteLine("| credit-g, held-out 20 % (seeded) | ROC-AUC | PR-AUC |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| analytics' fraud pipeline (FastTree) | {treeMetrics.RocAuc.ToString("0.000", CultureInfo.InvariantCulture)} | {treeMetrics.PrAuc.ToString("0.000", CultureInfo.InvariantCulture)} |");
        Console.WriteLine($"| ML.NET logistic regression (baseline) | {lrMetrics.RocAuc.ToString("0.000", CultureInfo.InvariantCulture)} | {lrMetrics.PrAuc.ToString("0.000", CultureInfo.InvariantCulture)} |");
        Console.WriteLine($"| share of 'bad' in the test part (PR-AUC of a random scorer) | 0.500 | {(labels.Count(l => l) / (double)labels.Count).ToString("0.000", CultureInfo.InvariantCulture)} |");
    }

    private static float[] Encode(Arff arff, string?[] row, int classIndex)
    {
        var features = new List<float>();
        for (var i = 0; i < classIndex; i++)
        {
            if (arff.Attributes[i].Values is { } values)
                features.AddRange(values.Select(v => v == row[i] ? 1f : 0f));
            else
                features.Add(row[i] is { } number ? float.Parse(number, CultureInfo.InvariantCulture) : 0f);
        }
        return [.. features];
    }

    public static void Shuffle<T>(List<T> list, int seed)
    {
        var random = new Random(seed);
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    private static IReadOnlyList<double> LogisticRegression(IReadOnlyList<LabelledVector> train, IReadOnlyList<LabelledVector> test, int seed)
    {
        var ml = new MLContext(seed);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, train[0].Features.Length);
        var data = ml.Data.LoadFromEnumerable(train.Select(e => new Row { Features = e.Features, Label = e.Fraud }), schema);
        var model = ml.Transforms.NormalizeMeanVariance("Features")
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression())
            .Fit(data);
        var scored = model.Transform(ml.Data.LoadFromEnumerable(test.Select(e => new Row { Features = e.Features }), schema));
        return [.. ml.Data.CreateEnumerable<Prediction>(scored, reuseRowObject: false).Select(p => (double)p.Probability)];
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    private sealed class Prediction
    {
        public float Probability { get; set; }
    }
}
