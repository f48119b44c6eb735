using ShopDapr.Contracts.Catalog;

namespace ShopDapr.Cart.Domain;

/// <summary>The outcome of a change: the new cart, a broken rule (422) or a line that is not in the cart (404).</summary>
public abstract record CartChange
{
    public sealed record Changed(ShoppingCart Cart) : CartChange;
    public sealed record RuleBroken(string Field, string Message) : CartChange;
    public sealed record LineNotFound(Guid ProductId) : CartChange;
}

/// <summary>What a cart may hold: 1 to 99 of a product per line, at most 50 lines.</summary>
public static class CartRules
{
    public const int MaxQuantityPerLine = 99;
    public const int MaxLines = 50;

    public static CartChange.RuleBroken? CheckQuantity(int quantity) =>
        quantity is < 1 or > MaxQuantityPerLine
            ? new CartChange.RuleBroken("quantity", $"The quantity must be between 1 and {MaxQuantityPerLine}.")
            : null;

    /// <summary>Adds <paramref name="quantity"/> of the product (priced now), to its line if it has one.</summary>
    public static CartChange Add(ShoppingCart cart, ProductSummary product, int quantity, DateTimeOffset now)
    {
        if (CheckQuantity(quantity) is { } bad)
            return bad;
        var existing = cart.Lines.FirstOrDefault(l => l.ProductId == product.Id);
        var newQuantity = (existing?.Quantity ?? 0) + quantity;
        if (newQuantity > MaxQuantityPerLine)
            return new CartChange.RuleBroken("quantity", $"A cart holds at most {MaxQuantityPerLine} of one product; it has {existing?.Quantity ?? 0}.");
        if (existing is null && cart.Lines.Count >= MaxLines)
            return new CartChange.RuleBroken("productId", $"A cart holds at most {MaxLines} different products.");
        var line = new CartLine(product.Id, product.Sku, product.Name, product.Price, newQuantity);
        var lines = existing is null
            ? [.. cart.Lines, line]
            : cart.Lines.Select(l => l.ProductId == product.Id ? line : l).ToList();
        return new CartChange.Changed(cart with { Lines = lines, UpdatedAt = now });
    }

    public static CartChange SetQuantity(ShoppingCart cart, Guid productId, int quantity, DateTimeOffset now)
    {
        if (CheckQuantity(quantity) is { } bad)
            return bad;
        if (cart.Lines.All(l => l.ProductId != productId))
            return new CartChange.LineNotFound(productId);
        var lines = cart.Lines.Select(l => l.ProductId == productId ? l with { Quantity = quantity } : l).ToList();
        return new CartChange.Changed(cart with { Lines = lines, UpdatedAt = now });
    }

    public static CartChange Remove(ShoppingCart cart, Guid productId, DateTimeOffset now) =>
        cart.Lines.Any(l => l.ProductId == productId)
            ? new CartChange.Changed(cart with { Lines = cart.Lines.Where(l => l.ProductId != productId).ToList(), UpdatedAt = now })
            : new CartChange.LineNotFound(productId);
}
