namespace ShopDapr.Analytics.Domain.Fraud;

/// <summary>
/// The rules the saga scores with when no model answers, with ordering's default thresholds (section
/// <c>Ordering:Fraud</c>): a total of at least 1000 adds 0.6, at least 20 units 0.4, a destination outside the home
/// markets 0.3, capped at 1. Every fraud model version is listed beside these rules' ROC-AUC / PR-AUC on the same
/// held-out orders, so the model's gain over them is a figure. A record logged before destinations were kept counts as
/// shipping home. Analytics.Tests holds these rules to ordering's scorer.
/// </summary>
public static class FraudRules
{
    public const double LargeOrderTotal = 1000;
    public const int ManyUnits = 20;
    public static readonly IReadOnlyList<string> HomeCountries = ["US", "GB", "DE", "FR", "NL"];

    public static double Score(FraudRecord record)
    {
        var score = 0.0;
        if (record.Features.Total >= LargeOrderTotal)
            score += 0.6;
        if (record.Features.Units >= ManyUnits)
            score += 0.4;
        if (record.Country is { } country && !HomeCountries.Contains(country.Trim(), StringComparer.OrdinalIgnoreCase))
            score += 0.3;
        return Math.Min(1.0, score);
    }
}
