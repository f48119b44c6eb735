using System.Text.Json;
using ShopDapr.Catalog.DemoData;
using ShopDapr.Catalog.Domain;

namespace ShopDapr.Catalog.Tests.Domain;

public sealed class DemoCatalogGeneratorTests
{
    [Fact]
    public void The_same_seed_gives_the_same_catalog_byte_for_byte()
    {
        var a = JsonSerializer.Serialize(DemoCatalogGenerator.Generate(300, seed: 7));
        var b = JsonSerializer.Serialize(DemoCatalogGenerator.Generate(300, seed: 7));
        Assert.Equal(a, b);
    }

    [Fact]
    public void Another_seed_gives_another_catalog() =>
        Assert.NotEqual(
            DemoCatalogGenerator.Generate(50, seed: 1).Select(p => p.Name),
            DemoCatalogGenerator.Generate(50, seed: 2).Select(p => p.Name));

    [Fact]
    public void The_default_demo_catalog_is_large_varied_and_keeps_every_rule()
    {
        var products = DemoCatalogGenerator.Generate();

        Assert.True(products.Count >= 1000);
        Assert.Equal(products.Count, products.Select(p => p.Id).Distinct().Count());
        Assert.Equal(products.Count, products.Select(p => p.Sku).Distinct().Count());
        Assert.Equal(Categories.All.Count, products.Select(p => p.Category).Distinct().Count());
        Assert.True(products.Select(p => p.Brand).Distinct().Count() >= 40);
        Assert.True(products.Select(p => p.Name).Distinct().Count() > products.Count * 9 / 10);
        foreach (var p in products)
        {
            var draft = new ProductDraft(p.Sku, p.Name, p.Description, p.Category, p.Brand, p.Price.Amount, p.Price.Currency, p.Attributes);
            Assert.Empty(ProductRules.Validate(draft));
        }
    }
}
