namespace ShopDapr.Ordering.Workflows.Fraud;

/// <summary>Scores an order's fraud risk. Behind <see cref="Activities.ScoreFraudActivity"/>, so a model served by analytics can replace the rules.</summary>
public interface IFraudScorer
{
    Task<FraudAssessment> ScoreAsync(OrderSnapshot order, CancellationToken cancellationToken);
}
