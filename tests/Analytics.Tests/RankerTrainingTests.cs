using ShopDapr.Analytics.Domain;
using ShopDapr.Analytics.Domain.Learning;

namespace ShopDapr.Analytics.Tests;

public sealed class RankerTrainingTests
{
    /// <summary>
    /// A small shop with signal to learn: 6 categories of 20 products; each customer favours one category; products come
    /// in bundles (a product and its "partner" are often bought together); the most popular products are bought by everyone.
    /// </summary>
    internal static IReadOnlyList<TrainingRecord> Sample(int orders, int seed)
    {
        var random = new Random(seed);
        string[] categories = ["tools", "garden", "kitchen", "toys", "books", "sports"];
        var products = categories.SelectMany((c, ci) => Enumerable.Range(0, 20).Select(i => (Id: new Guid(ci * 100 + i, 0, 0, new byte[8]), Category: c, Band: 1 + i % 4))).ToList();
        var partner = products.ToDictionary(p => p.Id, p => products[(products.IndexOf(p) / 2 * 2) + (products.IndexOf(p) % 2 == 0 ? 1 : 0)].Id);
        var start = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var records = new List<TrainingRecord>();
        for (var o = 0; o < orders; o++)
        {
            var favourite = categories[random.Next(categories.Length)];
            var inFavourite = products.Where(p => p.Category == favourite).ToList();
            // Zipf-ish: the first products of a category are bought more often.
            (Guid Id, string Category, int Band) Pick(IReadOnlyList<(Guid Id, string Category, int Band)> from) => from[(int)(from.Count * Math.Pow(random.NextDouble(), 2))];
            var first = random.NextDouble() < 0.8 ? Pick(inFavourite) : Pick(products);
            var basket = new List<Guid> { first.Id };
            if (random.NextDouble() < 0.7)
                basket.Add(partner[first.Id]);
            if (random.NextDouble() < 0.5)
                basket.Add(Pick(inFavourite).Id);
            var seeds = Enumerable.Range(0, 3).Select(_ => Pick(inFavourite).Id).Distinct().ToList();
            var named = basket.Concat(seeds).Distinct().ToList();
            records.Add(new TrainingRecord(seeds, [.. basket.Distinct()],
                named.ToDictionary(id => id, id => products.First(p => p.Id == id).Category),
                named.ToDictionary(id => id, id => products.First(p => p.Id == id).Band),
                start.AddMinutes(o)));
        }
        return records;
    }

    [Fact]
    public void The_model_trained_on_a_small_sample_beats_popularity_on_held_out_orders()
    {
        var set = new TrainingSet(Sample(1500, seed: 42));
        var (ranker, bytes) = LearnedRanker.Train("test", set);

        var model = set.Evaluate(ranker);
        var popularity = set.EvaluatePopularity();
        Assert.True(model.Cases > 100, $"{model.Cases} held-out cases");
        Assert.True(model.HitRateAt10 > popularity.HitRateAt10 * 1.1, $"model {model} vs popularity {popularity}");
        Assert.True(model.NdcgAt10 > popularity.NdcgAt10 * 1.1, $"model {model} vs popularity {popularity}");
        Assert.NotEmpty(bytes);
    }

    [Fact]
    public void A_saved_model_loads_back_and_scores_as_before_and_a_corrupt_one_is_refused()
    {
        var set = new TrainingSet(Sample(600, seed: 3));
        var (ranker, bytes) = LearnedRanker.Train("v1", set);
        var candidates = set.Cases(set.HeldOut).First().Candidates;

        Assert.Equal(ranker.Score(candidates), LearnedRanker.Load("v1", bytes).Score(candidates));
        var corrupt = bytes.ToArray();
        Array.Fill(corrupt, (byte)0x5A, corrupt.Length / 3, corrupt.Length / 3);
        Assert.Throws<CorruptModelException>(() => LearnedRanker.Load("v1", corrupt));
        Assert.Throws<CorruptModelException>(() => LearnedRanker.Load("v1", [1, 2, 3]));
    }

    [Fact]
    public void Too_few_orders_train_nothing()
    {
        Assert.Throws<InsufficientTrainingDataException>(() => LearnedRanker.Train("tiny", new TrainingSet(Sample(5, seed: 1))));
    }
}
