namespace ShopDapr.Cart.Domain;

/// <summary>What a checkout leaves in the cart (the checkout's own rules are <see cref="Contracts.Ordering.CheckoutRules"/>).</summary>
public static class CheckoutCart
{
    /// <summary>
    /// The cart once the ordered lines are taken out: a line added or raised while ordering took the order stays,
    /// so emptying never loses what the customer did meanwhile.
    /// </summary>
    public static CartChange TakeOrdered(ShoppingCart cart, IReadOnlyList<CartLine> ordered, DateTimeOffset now)
    {
        var lines = cart.Lines
            .Select(l => l with { Quantity = l.Quantity - ordered.Where(o => o.ProductId == l.ProductId).Sum(o => o.Quantity) })
            .Where(l => l.Quantity > 0)
            .ToList();
        return new CartChange.Changed(cart with { Lines = lines, UpdatedAt = now });
    }
}
