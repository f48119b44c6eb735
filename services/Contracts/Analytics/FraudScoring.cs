namespace ShopDapr.Contracts.Analytics;

/// <summary>
/// ordering → analytics (<see cref="AnalyticsRoutes.FraudScore"/>): score one order with the promoted fraud model. What
/// the saga knows of the order; the card is its last four digits only. analytics adds what it keeps of the customer
/// (account age, recent orders, cards and declines, the countries they ship to).
/// </summary>
public sealed record FraudScoreRequest(
    Guid OrderId, string CustomerId, decimal Total, string Currency, int Lines, int Units, string ShippingCountry, string CardLast4);

/// <summary>
/// 200: the model's <paramref name="Score"/> in [0, 1] (the chance the order is fraud), the version that gave it, and the
/// features that pushed it up most, in words. 503 ProblemDetails when no model is promoted yet (the caller keeps its
/// own rules); 400 when the request is malformed.
/// </summary>
public sealed record FraudScoreResult(double Score, string ModelVersion, IReadOnlyList<string> Reasons);

/// <summary>Service-to-service routes of analytics.</summary>
public static class AnalyticsRoutes
{
    public const string FraudScore = "/internal/fraud/score";
}
