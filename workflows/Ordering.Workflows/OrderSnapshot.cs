using ShopDapr.Contracts.Ordering;

namespace ShopDapr.Ordering.Workflows;

/// <summary>
/// The input of <see cref="OrderProcessingWorkflow"/>: the order as the cart handed it over.
/// The card travels in the workflow input only because the payment provider is simulated and charges from the number
/// (a real provider would hand back a token at checkout and only the token would travel); every view masks it.
/// <paramref name="ApprovalTimeout"/> comes from the ordering options when the workflow is scheduled, so a replay
/// sees the same value the first run saw.
/// </summary>
public sealed record OrderSnapshot(
    Guid OrderId,
    string CustomerId,
    string CustomerEmail,
    IReadOnlyList<OrderLine> Lines,
    string Currency,
    Address ShippingAddress,
    CardDetails Card,
    TimeSpan ApprovalTimeout)
{
    public decimal Total => Lines.Sum(l => l.UnitPrice * l.Quantity);

    public int Units => Lines.Sum(l => l.Quantity);

    /// <summary>Never the card itself: <c>ToString</c> of a record would print every field.</summary>
    public override string ToString() => $"Order {OrderId} of {CustomerId}";
}

/// <summary>What the workflow ends with.</summary>
public sealed record OrderOutcome(OrderStatus Status, string? Reason);

/// <summary>A customer asked to cancel (external event <see cref="OrderProcessingWorkflow.CancelRequestedEvent"/>).</summary>
public sealed record CancelRequest(string RequestedBy, string? Reason);
