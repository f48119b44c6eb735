namespace ShopDapr.Contracts.Cart;

/// <summary>A customer took a product out of their cart (topic <c>user-behavior</c>).</summary>
public sealed record ItemRemovedFromCart(string UserId, Guid ProductId, DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>
/// A customer checked their cart out (topic <c>user-behavior</c>): which products, nothing about the address or the
/// card. Whether the order then succeeds is on <c>order-events</c>.
/// </summary>
public sealed record CheckoutStarted(string UserId, IReadOnlyList<Guid> ProductIds, DateTimeOffset OccurredAt) : IIntegrationEvent;
