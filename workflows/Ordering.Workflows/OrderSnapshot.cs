using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;

namespace ShopDapr.Ordering.Workflows;

/// <summary>
/// The input of <see cref="OrderProcessingWorkflow"/>: the order as the cart handed it over. The card is payment's vault
/// token and the last four digits (<see cref="CardOnFile"/>), never the number or the CVC: the workflow input is kept in
/// the workflow's history in the state store and handed back by the workflow API. (It carried the full card until the
/// vault came in; a workflow started before that would have its charge refused for want of a token and be compensated —
/// no JSON bridge is kept for the old shape.)
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
    CardOnFile Card,
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
