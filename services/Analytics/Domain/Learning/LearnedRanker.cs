using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace ShopDapr.Analytics.Domain.Learning;

/// <summary>
/// The learned re-ranker: an ML.NET FastTree binary classifier over a candidate's features (<see cref="Candidate.Features"/>),
/// its score the chance that the candidate is what the customer takes next. Trained on <see cref="TrainingSet"/> cases,
/// saved as ML.NET's model zip (bytes), loaded back from them; scoring is batch <c>Transform</c> (thread-safe).
/// </summary>
public sealed class LearnedRanker : IRanker
{
    private static readonly MLContext Ml = new(seed: 7);
    private readonly ITransformer _model;

    private LearnedRanker(string name, ITransformer model) => (Name, _model) = (name, model);

    public string Name { get; }

    public static (LearnedRanker Ranker, byte[] Bytes) Train(string name, TrainingSet set)
    {
        var rows = new List<Row>();
        foreach (var c in set.Cases(set.Train))
        {
            if (!c.Candidates.Any(x => x.ProductId == c.Target))
                continue; // the candidates never had it: nothing to learn about ranking it
            // Every candidate of the case, as serving meets them: the easy negatives teach as much as the hard ones.
            foreach (var candidate in c.Candidates)
                rows.Add(new Row { Features = candidate.Features, Label = candidate.ProductId == c.Target });
        }
        if (rows.Count(r => r.Label) < 10)
            throw new InsufficientTrainingDataException($"{rows.Count(r => r.Label)} positive cases; at least 10 are needed.");
        var data = Ml.Data.LoadFromEnumerable(rows);
        var trainer = Ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = 60,
            NumberOfLeaves = 8,
            MinimumExampleCountPerLeaf = 5,
            LearningRate = 0.2,
        });
        var model = trainer.Fit(data);
        using var stream = new MemoryStream();
        Ml.Model.Save(model, data.Schema, stream);
        return (new LearnedRanker(name, model), stream.ToArray());
    }

    /// <summary>The model saved as <paramref name="bytes"/>; throws <see cref="CorruptModelException"/> when they are not one.</summary>
    public static LearnedRanker Load(string name, byte[] bytes)
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var model = Ml.Model.Load(stream, out _);
            var ranker = new LearnedRanker(name, model);
            ranker.Score([new Candidate(Guid.Empty, null, CandidateSource.Trending, 0, 0, 0, 0, 0)]); // it must score
            return ranker;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new CorruptModelException($"Model {name} cannot be loaded: {e.Message}", e);
        }
    }

    public IReadOnlyList<double> Score(IReadOnlyList<Candidate> candidates)
    {
        if (candidates.Count == 0)
            return [];
        var scored = _model.Transform(Ml.Data.LoadFromEnumerable(candidates.Select(c => new Row { Features = c.Features })));
        return [.. Ml.Data.CreateEnumerable<Prediction>(scored, reuseRowObject: false).Select(p => (double)p.Score)];
    }

    private sealed class Row
    {
        [VectorType(Candidate.FeatureCount)]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
    }
}

public sealed class InsufficientTrainingDataException(string message) : Exception(message);

public sealed class CorruptModelException(string message, Exception inner) : Exception(message, inner);
