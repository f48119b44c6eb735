using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.Ordering.Workflows.Fraud;

namespace ShopDapr.Ordering.Workflows.Tests;

public sealed class RuleBasedFraudScorerTests
{
    private readonly RuleBasedFraudScorer _scorer = new(new FraudRuleOptions { LargeOrderTotal = 1000m, ManyUnits = 20, HomeCountries = ["FR", "DE"] });

    private static OrderSnapshot Order(decimal unitPrice, int quantity, string country = "FR") => new(
        Guid.NewGuid(), "c", "c@example.com", [new OrderLine(Guid.NewGuid(), "SKU", "Thing", unitPrice, quantity)], "EUR",
        new Address("A", "S", "C", "P", country), new CardOnFile(SagaContext.CardToken, "4242"), TimeSpan.FromHours(1));

    [Fact]
    public void A_small_home_order_is_low_risk_with_no_reasons()
    {
        var result = _scorer.Score(Order(10m, 2));
        Assert.Equal((0.0, false), (result.Score, result.HighRisk));
        Assert.Empty(result.Reasons);
    }

    [Fact]
    public void A_large_total_alone_is_high_risk()
    {
        var result = _scorer.Score(Order(500m, 2));
        Assert.True(result.HighRisk);
        Assert.Contains("total 1000", Assert.Single(result.Reasons));
    }

    [Fact]
    public void Many_units_abroad_is_high_risk_but_each_alone_is_not()
    {
        Assert.False(_scorer.Score(Order(1m, 25)).HighRisk);
        Assert.False(_scorer.Score(Order(1m, 1, "XX")).HighRisk);
        var both = _scorer.Score(Order(1m, 25, "XX"));
        Assert.True(both.HighRisk);
        Assert.Equal(2, both.Reasons.Count);
    }

    [Fact]
    public void The_score_never_exceeds_one()
    {
        Assert.Equal(1.0, _scorer.Score(Order(100m, 50, "XX")).Score);
    }
}
