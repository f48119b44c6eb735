using ShopDapr.Inventory.Domain;

namespace ShopDapr.Inventory.Tests.Domain;

public sealed class StockBookTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_persisted_book_holds_the_open_reservations_and_not_how_settled_orders_ended()
    {
        var book = new StockBook { OnHand = 1000 };
        for (var i = 0; i < 500; i++)
        {
            var order = Guid.NewGuid();
            book.Reserve(order, 1, Now, TimeSpan.FromMinutes(15));
            book.Confirm(order, Now);
        }
        var open = Guid.NewGuid();
        book.Reserve(open, 2, Now, TimeSpan.FromMinutes(15));

        var json = System.Text.Json.JsonSerializer.Serialize(book);
        var saved = System.Text.Json.JsonSerializer.Deserialize<StockBook>(json)!;

        Assert.Equal(500, book.Settled.Count); // the turns' settlements, which the actor saves each under its own key
        Assert.DoesNotContain("Settled", json);
        Assert.Equal((500, 2, open), (saved.OnHand, saved.Reserved, saved.Reservations.Keys.Single()));
        Assert.Empty(saved.Settled);
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
