using ShopDapr.Catalog.Domain;

namespace ShopDapr.Catalog.Tests.Domain;

public sealed class ProductRulesTests
{
    private static readonly ProductDraft Valid = new("AUD-1001", "Sonora Wireless Headphones", "Deep bass.", "audio", "Sonora", 129.99m, "USD",
        new Dictionary<string, string> { ["color"] = "black" });

    [Fact]
    public void A_complete_draft_breaks_no_rule() => Assert.Empty(ProductRules.Validate(Valid));

    [Theory]
    [InlineData(0, "price")]
    [InlineData(-5, "price")]
    [InlineData(1.999, "price")]
    [InlineData(2_000_000, "price")]
    public void Prices_must_be_positive_bounded_and_in_cents(double price, string field) =>
        Assert.Contains(field, ProductRules.Validate(Valid with { Price = (decimal)price }).Keys);

    [Theory]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("lower-case")]
    [InlineData("-LEADING")]
    [InlineData("WITH SPACE")]
    public void Sku_must_be_upper_case_letters_digits_and_dashes(string sku) =>
        Assert.Contains("sku", ProductRules.Validate(Valid with { Sku = sku }).Keys);

    [Fact]
    public void Unknown_category_is_named_in_the_error()
    {
        var errors = ProductRules.Validate(Valid with { Category = "spaceships" });
        Assert.Contains("spaceships", Assert.Single(errors["category"]));
    }

    [Fact]
    public void Every_broken_field_is_reported_at_once()
    {
        var errors = ProductRules.Validate(new ProductDraft("", "", new string('x', 5000), "", "", 0, "dollars", null));
        Assert.Equal(["brand", "category", "currency", "description", "name", "price", "sku"], errors.Keys.Order());
    }

    [Fact]
    public void Too_many_or_too_long_attributes_are_refused()
    {
        var many = Enumerable.Range(0, 21).ToDictionary(i => $"k{i}", _ => "v");
        Assert.Contains("attributes", ProductRules.Validate(Valid with { Attributes = many }).Keys);
        Assert.Contains("attributes", ProductRules.Validate(Valid with { Attributes = new Dictionary<string, string> { ["k"] = new('v', 201) } }).Keys);
    }

    [Fact]
    public void Currency_is_accepted_in_any_case_and_stored_upper_case()
    {
        var draft = Valid with { Currency = "eur" };
        Assert.Empty(ProductRules.Validate(draft));
        Assert.Equal("EUR", Product.Create(Guid.NewGuid(), draft, DateTimeOffset.UnixEpoch).Price.Currency);
    }

    [Fact]
    public void Applying_a_draft_keeps_the_id_and_creation_time()
    {
        var created = DateTimeOffset.UnixEpoch;
        var product = Product.Create(Guid.NewGuid(), Valid, created);
        var later = created.AddDays(1);

        var updated = product.Apply(Valid with { Name = "Renamed", Price = 99m }, later);

        Assert.Equal((product.Id, created, later, "Renamed", 99m), (updated.Id, updated.CreatedAt, updated.UpdatedAt, updated.Name, updated.Price.Amount));
    }
}
