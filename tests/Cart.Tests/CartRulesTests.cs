using ShopDapr.Cart.Domain;
using ShopDapr.Contracts.Catalog;

namespace ShopDapr.Cart.Tests;

public sealed class CartRulesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch.AddDays(100);
    private static ProductSummary Product(decimal price = 2.50m) => new(Guid.NewGuid(), "SKU", "Thing", price, 5);

    [Fact]
    public void Adding_twice_sums_the_line_and_totals_follow()
    {
        var p = Product(2.50m);
        var cart = Changed(CartRules.Add(ShoppingCart.Empty("c"), p, 2, Now));
        cart = Changed(CartRules.Add(cart, p, 3, Now));
        var line = Assert.Single(cart.Lines);
        Assert.Equal(5, line.Quantity);
        Assert.Equal(12.50m, cart.Total);
        Assert.Equal(5, cart.ItemCount);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void Quantities_outside_1_to_99_break_the_rule(int quantity) =>
        Assert.IsType<CartChange.RuleBroken>(CartRules.Add(ShoppingCart.Empty("c"), Product(), quantity, Now));

    [Fact]
    public void A_line_cannot_grow_past_99()
    {
        var p = Product();
        var cart = Changed(CartRules.Add(ShoppingCart.Empty("c"), p, 90, Now));
        Assert.IsType<CartChange.RuleBroken>(CartRules.Add(cart, p, 10, Now));
    }

    [Fact]
    public void The_51st_product_breaks_the_rule_but_more_of_an_existing_one_does_not()
    {
        var cart = ShoppingCart.Empty("c");
        for (var i = 0; i < CartRules.MaxLines; i++)
            cart = Changed(CartRules.Add(cart, Product(), 1, Now));
        Assert.IsType<CartChange.RuleBroken>(CartRules.Add(cart, Product(), 1, Now));
        var existing = cart.Lines[0];
        Assert.IsType<CartChange.Changed>(CartRules.Add(cart, new ProductSummary(existing.ProductId, existing.Sku, existing.Name, existing.UnitPrice, 1), 1, Now));
    }

    [Fact]
    public void Changing_or_removing_a_product_not_in_the_cart_is_not_found()
    {
        Assert.IsType<CartChange.LineNotFound>(CartRules.SetQuantity(ShoppingCart.Empty("c"), Guid.NewGuid(), 1, Now));
        Assert.IsType<CartChange.LineNotFound>(CartRules.Remove(ShoppingCart.Empty("c"), Guid.NewGuid(), Now));
    }

    private static ShoppingCart Changed(CartChange change) => Assert.IsType<CartChange.Changed>(change).Cart;
}
