using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using ShopDapr.Analytics.Domain.Learning;

namespace ShopDapr.Analytics.Domain.Fraud;

/// <summary>One example: a feature vector and whether it was fraud.</summary>
public sealed record LabelledVector(float[] Features, bool Fraud);

/// <summary>
/// The learned fraud scorer: an ML.NET FastTree binary classifier (calibrated, so its score is a probability) over a
/// fixed-length feature vector (<see cref="FraudFeatures.Vector"/> in the shop; any vector in the offline evaluation),
/// saved as ML.NET's model zip. Its reasons are a per-feature explanation: each feature in turn is set back to its
/// typical value among legitimate training orders (the median, kept with the model as <see cref="Baseline"/>) and the
/// drop in score is that feature's contribution; the largest positive ones are the reasons. Scoring is one batch
/// <c>Transform</c> of the order and its variations (thread-safe).
/// </summary>
public sealed class FraudModel
{
    private static readonly MLContext Ml = new(seed: 11);
    private readonly ITransformer _model;
    private readonly SchemaDefinition _schema;

    private FraudModel(string version, ITransformer model, float[] baseline)
    {
        (Version, _model, Baseline) = (version, model, baseline);
        _schema = Schema(baseline.Length);
    }

    public string Version { get; }

    /// <summary>Each feature's median among the legitimate training examples.</summary>
    public float[] Baseline { get; }

    public int FeatureCount => Baseline.Length;

    /// <summary>Fits the classifier; throws <see cref="InsufficientTrainingDataException"/> with fewer than <paramref name="minPerClass"/> of either class.</summary>
    public static FraudModel Fit(string version, IReadOnlyList<LabelledVector> examples, int minPerClass = 5)
    {
        var frauds = examples.Count(e => e.Fraud);
        if (frauds < minPerClass || examples.Count - frauds < minPerClass)
            throw new InsufficientTrainingDataException($"{frauds} fraudulent and {examples.Count - frauds} legitimate orders; at least {minPerClass} of each are needed.");
        var width = examples[0].Features.Length;
        if (examples.Any(e => e.Features.Length != width))
            throw new ArgumentException("Every example needs the same number of features.", nameof(examples));
        var data = Ml.Data.LoadFromEnumerable(examples.Select(e => new Row { Features = e.Features, Label = e.Fraud }), Schema(width));
        var trainer = Ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = 100,
            NumberOfLeaves = 8,
            MinimumExampleCountPerLeaf = Math.Clamp(examples.Count / 100, 2, 10),
            LearningRate = 0.1,
        });
        var model = trainer.Fit(data);
        var legitimate = examples.Where(e => !e.Fraud).ToList();
        var baseline = Enumerable.Range(0, width).Select(i => Median(legitimate.Select(e => e.Features[i]))).ToArray();
        return new FraudModel(version, model, baseline);
    }

    /// <summary>The model as bytes: ML.NET's zip.</summary>
    public byte[] Save()
    {
        using var stream = new MemoryStream();
        Ml.Model.Save(_model, Ml.Data.LoadFromEnumerable(Array.Empty<Row>(), _schema).Schema, stream);
        return stream.ToArray();
    }

    /// <summary>The model saved as <paramref name="bytes"/>; throws <see cref="CorruptModelException"/> when they are not one that scores.</summary>
    public static FraudModel Load(string version, byte[] bytes, float[] baseline)
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var model = new FraudModel(version, Ml.Model.Load(stream, out _), baseline);
            if (model.Score([baseline]) is not [var probe] || !double.IsFinite(probe))
                throw new InvalidDataException("It does not score.");
            return model;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new CorruptModelException($"Fraud model {version} cannot be loaded: {e.Message}", e);
        }
    }

    /// <summary>The fraud probability of each vector.</summary>
    public IReadOnlyList<double> Score(IReadOnlyList<float[]> vectors)
    {
        if (vectors.Count == 0)
            return [];
        if (vectors.Any(v => v.Length != FeatureCount))
            throw new ArgumentException($"The model scores vectors of {FeatureCount} features.", nameof(vectors));
        var scored = _model.Transform(Ml.Data.LoadFromEnumerable(vectors.Select(v => new Row { Features = v }), _schema));
        return [.. Ml.Data.CreateEnumerable<Prediction>(scored, reuseRowObject: false).Select(p => (double)p.Probability)];
    }

    /// <summary>The score of <paramref name="vector"/> and each feature's contribution to it (score minus the score with that feature at its baseline).</summary>
    public (double Score, IReadOnlyList<double> Contributions) Explain(float[] vector)
    {
        var variations = new List<float[]> { vector };
        for (var i = 0; i < vector.Length; i++)
        {
            var typical = (float[])vector.Clone();
            typical[i] = Baseline[i];
            variations.Add(typical);
        }
        var scores = Score(variations);
        return (scores[0], [.. scores.Skip(1).Select(s => scores[0] - s)]);
    }

    private static SchemaDefinition Schema(int width)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return schema;
    }

    private static float Median(IEnumerable<float> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
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
