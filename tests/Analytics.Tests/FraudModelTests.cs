using ShopDapr.Analytics.Domain.Fraud;
using ShopDapr.Analytics.Domain.Learning;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.Ordering.Workflows;
using ShopDapr.Ordering.Workflows.Fraud;

namespace ShopDapr.Analytics.Tests;

/// <summary>The fraud model on a generated history: trained on the older 80 %, judged on the newest 20 %.</summary>
public sealed class FraudModelTests
{
    [Fact]
    public void The_model_beats_the_rule_scorer_on_held_out_orders()
    {
        var sample = FraudSample.Generate(3000, seed: 13);
        var set = new FraudTrainingSet([.. sample.Select(o => o.Record)]);
        var model = set.Fit("v1");
        var modelMetrics = set.Evaluate(model);

        // The baseline, computed here: the saga's own rule scorer on the same held-out orders.
        var rules = new RuleBasedFraudScorer(new FraudRuleOptions());
        var heldOut = sample.Skip(set.Train.Count).ToList();
        Assert.Equal(set.HeldOut, heldOut.Select(o => o.Record));
        var rulesMetrics = FraudMetrics.Of([.. heldOut.Select(o => rules.Score(o.Snapshot).Score)], [.. heldOut.Select(o => o.Record.Fraud)]);
        Assert.Equal(rulesMetrics, set.EvaluateRules()); // what every version lists as its baseline

        Assert.True(modelMetrics.Frauds >= 20, $"{modelMetrics}");
        Assert.True(modelMetrics.RocAuc > rulesMetrics.RocAuc + 0.1, $"model {modelMetrics} vs rules {rulesMetrics}");
        Assert.True(modelMetrics.PrAuc > rulesMetrics.PrAuc, $"model {modelMetrics} vs rules {rulesMetrics}");
        Assert.True(modelMetrics.AtLeastAsGoodAs(rulesMetrics));
    }

    [Theory]
    [InlineData(999.99, 19, "US", 0.0)]
    [InlineData(1000, 3, "gb", 0.6)]
    [InlineData(50, 20, "DE", 0.4)]
    [InlineData(50, 2, "NG", 0.3)]
    [InlineData(1500, 25, "BR", 1.0)]
    [InlineData(1200, 1, "VN", 0.9)]
    public void The_listed_rule_baseline_scores_an_order_as_the_sagas_rule_scorer_does(double total, int units, string country, double expected)
    {
        var features = new FraudFeatures(100, 0, 1, 0, total, 1, units, NewShippingCountry: false);
        var snapshot = new OrderSnapshot(Guid.NewGuid(), "c", "c@example.com", [new OrderLine(Guid.NewGuid(), "SKU", "Item", (decimal)total, 1), new OrderLine(Guid.NewGuid(), "FREE", "Gift", 0, units - 1)],
            "USD", new Address("N", "S", "C", "P", country), new CardOnFile("card_" + new string('0', 32), "4242"), TimeSpan.FromHours(1));

        var saga = new RuleBasedFraudScorer(new FraudRuleOptions()).Score(snapshot).Score;

        Assert.Equal(expected, saga, 9);
        Assert.Equal(saga, FraudRules.Score(new FraudRecord(features, false, DateTimeOffset.UnixEpoch, country)), 9);
    }

    [Fact]
    public void A_record_without_its_destination_is_scored_as_shipping_home() =>
        Assert.Equal(0.6, FraudRules.Score(new FraudRecord(new FraudFeatures(1, 0, 1, 0, 1000, 1, 1, true), true, DateTimeOffset.UnixEpoch)), 9);

    [Fact]
    public void A_score_comes_with_its_top_reasons_in_words()
    {
        var model = new FraudTrainingSet([.. FraudSample.Generate(2000, seed: 3).Select(o => o.Record)]).Fit("v2");
        var risky = new FraudFeatures(0.1, 3, 4, 2, 180, 2, 3, NewShippingCountry: true);
        var plain = new FraudFeatures(400, 0, 1, 0, 60, 2, 3, NewShippingCountry: false);

        var verdict = FraudVerdict.Of(model, risky);
        Assert.Equal("v2", verdict.Version);
        Assert.True(verdict.Score > FraudVerdict.Of(model, plain).Score + 0.3, $"{verdict.Score}");
        Assert.InRange(verdict.Reasons.Count, 1, FraudVerdict.TopReasons);
        Assert.Contains(verdict.Reasons, r => r.Contains("distinct cards in the last hour", StringComparison.Ordinal)
            || r.Contains("account is 2 hours old", StringComparison.Ordinal) || r.Contains("payment declines", StringComparison.Ordinal));
        Assert.All(verdict.Reasons, r => Assert.Matches(@"\(\+0\.\d\d\)$", r));
    }

    [Fact]
    public void A_saved_model_loads_back_and_scores_the_same_and_garbage_does_not_load()
    {
        var model = new FraudTrainingSet([.. FraudSample.Generate(1000, seed: 4).Select(o => o.Record)]).Fit("v3");
        var bytes = model.Save();
        var loaded = FraudModel.Load("v3", bytes, model.Baseline);
        var vector = new FraudFeatures(1, 2, 3, 1, 100, 1, 1, true).Vector;
        Assert.Equal(model.Score([vector])[0], loaded.Score([vector])[0], 6);

        var corrupt = bytes.ToArray();
        Array.Fill(corrupt, (byte)0x5A, corrupt.Length / 3, corrupt.Length / 3);
        Assert.Throws<CorruptModelException>(() => FraudModel.Load("bad", corrupt, model.Baseline));
        Assert.Throws<CorruptModelException>(() => FraudModel.Load("short", bytes, [1, 2]));
    }

    [Fact]
    public void Too_few_of_a_class_trains_nothing()
    {
        var records = FraudSample.Generate(300, seed: 5).Select(o => o.Record with { Fraud = false }).ToList();
        Assert.Throws<InsufficientTrainingDataException>(() => new FraudTrainingSet(records).Fit("none"));
    }

    [Theory]
    [InlineData(new[] { 0.9, 0.8, 0.2, 0.1 }, new[] { true, true, false, false }, 1.0, 1.0)]
    [InlineData(new[] { 0.1, 0.2, 0.8, 0.9 }, new[] { true, true, false, false }, 0.0, 0.4166666)]
    [InlineData(new[] { 0.5, 0.5, 0.5, 0.5 }, new[] { true, false, true, false }, 0.5, 0.5)]
    public void Roc_auc_and_average_precision_by_hand(double[] scores, bool[] labels, double roc, double ap)
    {
        Assert.Equal(roc, BinaryMetrics.RocAuc(scores, labels), 5);
        Assert.Equal(ap, BinaryMetrics.AveragePrecision(scores, labels), 5);
    }
}
