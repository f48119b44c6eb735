namespace ShopDapr.Contracts.Cart;

/// <summary>A customer put a product in their cart (topic <c>user-behavior</c>); <paramref name="Quantity"/> is the amount added.</summary>
public sealed record ItemAddedToCart(
    string UserId, Guid ProductId, string Sku, int Quantity, decimal UnitPrice, DateTimeOffset OccurredAt) : IIntegrationEvent;
