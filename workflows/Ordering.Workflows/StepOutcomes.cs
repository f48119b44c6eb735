namespace ShopDapr.Ordering.Workflows;

/// <summary>
/// A step's business answer. A refusal (out of stock, card declined) is returned, not thrown, so the retry policy
/// (which retries whatever an activity throws) never repeats it; transient faults are thrown and retried.
/// </summary>
public sealed record StepOutcome(bool Succeeded, string? FailureReason)
{
    public static StepOutcome Done { get; } = new(true, null);

    public static StepOutcome Refused(string reason) => new(false, reason);
}

public sealed record PaymentOutcome(bool Succeeded, string? PaymentId, decimal Amount, string? FailureReason);

public sealed record ShipmentOutcome(bool Succeeded, string? ShipmentId, string? TrackingNumber, string? FailureReason);

/// <summary>
/// The fraud scorer's verdict: a score in [0, 1], the reasons behind it, and which scorer gave it (<c>rules</c>, or
/// <c>model {version}</c> when analytics' model did; a history written before it was named reads as rules).
/// </summary>
public sealed record FraudAssessment(double Score, bool HighRisk, IReadOnlyList<string> Reasons, string ScoredBy = FraudAssessment.Rules)
{
    public const string Rules = "rules";
}
