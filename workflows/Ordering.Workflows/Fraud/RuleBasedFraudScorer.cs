using System.ComponentModel.DataAnnotations;

namespace ShopDapr.Ordering.Workflows.Fraud;

/// <summary>Thresholds of <see cref="RuleBasedFraudScorer"/> (section <c>Ordering:Fraud</c>).</summary>
public sealed class FraudRuleOptions
{
    public const string Section = "Ordering:Fraud";

    [Range(typeof(decimal), "0.01", "79228162514264337593543950335")]
    public decimal LargeOrderTotal { get; set; } = 1000m;

    [Range(1, int.MaxValue)]
    public int ManyUnits { get; set; } = 20;

    /// <summary>ISO country codes the shop usually ships to; another destination adds risk.</summary>
    [MinLength(1)]
    public string[] HomeCountries { get; set; } = ["US", "GB", "DE", "FR", "NL"];

    [Range(0.0, 1.0)]
    public double HighRiskAt { get; set; } = 0.6;
}

/// <summary>
/// Not a model: a few fixed rules (large total, many units, a destination outside the home markets), each adding to
/// the score. Honest about what it is; it scores when analytics' model cannot (<see cref="AnalyticsFraudScorer"/>).
/// </summary>
public sealed class RuleBasedFraudScorer(FraudRuleOptions rules) : IFraudScorer
{
    public Task<FraudAssessment> ScoreAsync(OrderSnapshot order, CancellationToken cancellationToken) =>
        Task.FromResult(Score(order));

    public FraudAssessment Score(OrderSnapshot order)
    {
        var score = 0.0;
        var reasons = new List<string>();
        if (order.Total >= rules.LargeOrderTotal)
        {
            score += 0.6;
            reasons.Add($"total {order.Total} {order.Currency} is at least {rules.LargeOrderTotal}");
        }
        if (order.Units >= rules.ManyUnits)
        {
            score += 0.4;
            reasons.Add($"{order.Units} units is at least {rules.ManyUnits}");
        }
        if (!rules.HomeCountries.Contains(order.ShippingAddress.Country, StringComparer.OrdinalIgnoreCase))
        {
            score += 0.3;
            reasons.Add($"ships to {order.ShippingAddress.Country}, outside the home markets");
        }
        score = Math.Min(1.0, score);
        return new FraudAssessment(score, score >= rules.HighRiskAt, reasons);
    }
}
