namespace ShopDapr.Cart.Domain;

/// <summary>One customer's cart as stored (key <c>cart-{customer id}</c>).</summary>
public sealed record ShoppingCart(string CustomerId, IReadOnlyList<CartLine> Lines, DateTimeOffset UpdatedAt)
{
    public static ShoppingCart Empty(string customerId) => new(customerId, [], DateTimeOffset.MinValue);

    public int ItemCount => Lines.Sum(l => l.Quantity);

    public decimal Total => Lines.Sum(l => l.LineTotal);
}

/// <summary>A product in the cart, priced when it was added.</summary>
public sealed record CartLine(Guid ProductId, string Sku, string Name, decimal UnitPrice, int Quantity)
{
    public decimal LineTotal => UnitPrice * Quantity;
}
