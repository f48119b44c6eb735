namespace ShopDapr.Analytics.Domain;

/// <summary>What a behaviour or order event says about a customer's interest, whatever service it came from.</summary>
public enum SignalKind { View, CartAdd, CartRemove, CheckoutStarted, Purchase }

/// <summary>
/// One event boiled down to what analytics learns from it: who (null when anonymous), which product and category, and
/// how strong a signal it is. Events that name several products (an order) give one signal per product.
/// </summary>
public sealed record Signal(SignalKind Kind, string? CustomerId, Guid ProductId, string? Category, DateTimeOffset At)
{
    /// <summary>How much a signal counts towards trending and category affinity: buying says more than looking.</summary>
    public double Weight => Kind switch
    {
        SignalKind.View => 1,
        SignalKind.CartAdd => 3,
        SignalKind.CheckoutStarted => 2,
        SignalKind.Purchase => 5,
        _ => 0,
    };
}
