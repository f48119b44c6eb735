using Dapr.Workflow;
using ShopDapr.Ordering.Workflows.Fraud;

namespace ShopDapr.Ordering.Workflows.Activities;

/// <summary>Step 1: how risky is the order? Pure computation, so repeating it is harmless.</summary>
public sealed class ScoreFraudActivity(IFraudScorer scorer) : WorkflowActivity<OrderSnapshot, FraudAssessment>
{
    public override Task<FraudAssessment> RunAsync(WorkflowActivityContext context, OrderSnapshot input) =>
        scorer.ScoreAsync(input, CancellationToken.None);
}
