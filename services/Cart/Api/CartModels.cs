using ShopDapr.Cart.Domain;

namespace ShopDapr.Cart.Api;

public sealed record AddItemRequest(Guid? ProductId, int? Quantity);

public sealed record SetQuantityRequest(int? Quantity);

public sealed record CartLineView(Guid ProductId, string Sku, string Name, decimal UnitPrice, int Quantity, decimal LineTotal);

public sealed record CartView(IReadOnlyList<CartLineView> Lines, int ItemCount, decimal Total)
{
    public static CartView From(ShoppingCart cart) => new(
        [.. cart.Lines.Select(l => new CartLineView(l.ProductId, l.Sku, l.Name, l.UnitPrice, l.Quantity, l.LineTotal))],
        cart.ItemCount,
        cart.Total);
}
