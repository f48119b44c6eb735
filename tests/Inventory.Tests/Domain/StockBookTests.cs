using ShopDapr.Inventory.Domain;

namespace ShopDapr.Inventory.Tests.Domain;

public sealed class StockBookTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Settlements_are_forgotten_after_the_retention_and_beyond_the_cap_oldest_first()
    {
        var book = new StockBook { OnHand = 100 };
        var orders = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        for (var i = 0; i < orders.Count; i++)
            book.Release(orders[i], Now.AddHours(i));

        book.ForgetSettledBefore(Now.AddHours(1), max: 3);
        Assert.Equal(orders[2..].Order(), book.Settled.Keys.Order());
    }

    [Theory]
    [InlineData("abc-000001", "ABC-000001")]
    [InlineData("  SKU-1 ", "SKU-1")]
    [InlineData("123", "123")]
    public void Skus_are_trimmed_and_upper_cased(string input, string expected)
    {
        Assert.True(Sku.TryNormalize(input, out var sku));
        Assert.Equal(expected, sku);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("AB")]
    [InlineData("-ABC")]
    [InlineData("ABC_1")]
    [InlineData("A B C")]
    [InlineData("ÄBC")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456")]
    [InlineData("../v1.0/state")]
    public void Malformed_skus_are_refused(string? input) => Assert.False(Sku.TryNormalize(input, out _));

    [Fact]
    public void Nothing_can_be_reserved_for_zero_and_stock_cannot_be_negative()
    {
        var book = new StockBook { OnHand = 1 };
        Assert.Throws<ArgumentOutOfRangeException>(() => book.Reserve(Guid.NewGuid(), 0, Now, TimeSpan.FromMinutes(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => book.TrySetOnHand(-1));
    }
}
