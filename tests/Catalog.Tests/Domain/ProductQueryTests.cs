using ShopDapr.Catalog.Domain;

namespace ShopDapr.Catalog.Tests.Domain;

public sealed class ProductQueryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Product[] Products =
    [
        Make("Banana Blender", "kitchen", "Kitchara", 50m, 3),
        Make("apple Kettle", "kitchen", "Copperleaf", 20m, 1),
        Make("Cherry Headphones", "audio", "Sonora", 150m, 2),
        Make("Date Speaker", "audio", "sonora", 80m, 4),
    ];

    [Fact]
    public void Default_order_is_by_name_ignoring_case() =>
        Assert.Equal(["apple Kettle", "Banana Blender", "Cherry Headphones", "Date Speaker"], Names(new ProductQuery()));

    [Theory]
    [InlineData("price", new[] { "apple Kettle", "Banana Blender", "Date Speaker", "Cherry Headphones" })]
    [InlineData("-price", new[] { "Cherry Headphones", "Date Speaker", "Banana Blender", "apple Kettle" })]
    [InlineData("newest", new[] { "Date Speaker", "Banana Blender", "Cherry Headphones", "apple Kettle" })]
    public void Sorts_order_the_whole_list(string sort, string[] expected)
    {
        Assert.True(Parse(sort: sort, out var query));
        Assert.Equal(expected, Names(query));
    }

    [Fact]
    public void Filters_combine_and_ignore_case()
    {
        Assert.True(ProductQueryParser.TryParse("AUDIO", "SONORA", "100", null, null, null, null, out var query, out _));
        Assert.Equal(["Cherry Headphones"], Names(query));
    }

    [Fact]
    public void Price_bounds_are_inclusive()
    {
        Assert.True(ProductQueryParser.TryParse(null, null, "20", "80", null, null, null, out var query, out _));
        Assert.Equal(["apple Kettle", "Banana Blender", "Date Speaker"], Names(query));
    }

    [Fact]
    public void Pages_cut_the_filtered_list_and_report_the_total()
    {
        Assert.True(ProductQueryParser.TryParse(null, null, null, null, "price", "2", "3", out var query, out _));
        var page = query.Apply(Products);
        Assert.Equal((4, 2, 3), (page.Total, page.PageNumber, page.PageSize));
        Assert.Equal(["Cherry Headphones"], page.Items.Select(p => p.Name));
    }

    [Theory]
    [InlineData("pageSize", null, null, null, null, "0")]
    [InlineData("pageSize", null, null, null, null, "101")]
    [InlineData("pageSize", null, null, null, null, "ten")]
    [InlineData("page", null, null, null, "0", null)]
    [InlineData("page", null, null, null, "-1", null)]
    [InlineData("page", null, null, null, "1000", "100")]
    [InlineData("minPrice", "-1", null, null, null, null)]
    [InlineData("minPrice", "cheap", null, null, null, null)]
    [InlineData("maxPrice", "10", "5", null, null, null)]
    [InlineData("sort", null, null, "popularity", null, null)]
    public void Bad_parameters_are_named(string field, string? min, string? max, string? sort, string? page, string? pageSize)
    {
        Assert.False(ProductQueryParser.TryParse(null, null, min, max, sort, page, pageSize, out _, out var errors));
        Assert.Contains(field, errors.Keys);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public void Search_needs_text(string? q) =>
        Assert.False(ProductQueryParser.TryParseSearch(q, null, null, out _, out _, out _, out _));

    [Fact]
    public void Search_text_is_bounded()
    {
        Assert.True(ProductQueryParser.TryParseSearch(new string('a', 200), null, null, out _, out _, out _, out _));
        Assert.False(ProductQueryParser.TryParseSearch(new string('a', 201), null, null, out _, out _, out _, out var errors));
        Assert.Contains("q", errors.Keys);
    }

    private static bool Parse(string sort, out ProductQuery query) =>
        ProductQueryParser.TryParse(null, null, null, null, sort, null, null, out query, out _);

    private static string[] Names(ProductQuery query) => query.Apply(Products).Items.Select(p => p.Name).ToArray();

    private static Product Make(string name, string category, string brand, decimal price, int ageRank) => new()
    {
        Id = Guid.NewGuid(),
        Sku = $"SKU-{ageRank}",
        Name = name,
        Category = category,
        Brand = brand,
        Price = new Money(price, "USD"),
        CreatedAt = T0.AddDays(ageRank),
    };
}
