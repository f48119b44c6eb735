namespace ShopDapr.Catalog.Domain;

/// <summary>A product category: a stable slug (used in URLs and filters) and a display name.</summary>
public sealed record Category(string Slug, string Name);

/// <summary>The categories the catalog knows. A product must belong to one of them.</summary>
public static class Categories
{
    public static readonly IReadOnlyList<Category> All =
    [
        new("audio", "Audio"),
        new("footwear", "Footwear"),
        new("apparel", "Apparel"),
        new("kitchen", "Kitchen"),
        new("home", "Home & Furniture"),
        new("outdoors", "Outdoors & Camping"),
        new("fitness", "Sports & Fitness"),
        new("computers", "Computers & Accessories"),
        new("phones", "Phones & Tablets"),
        new("toys", "Toys & Games"),
        new("beauty", "Beauty & Personal Care"),
        new("garden", "Garden & Tools"),
        new("pets", "Pet Supplies"),
        new("books", "Books"),
    ];

    private static readonly Dictionary<string, Category> BySlug =
        All.ToDictionary(c => c.Slug, StringComparer.OrdinalIgnoreCase);

    public static bool TryFind(string? slug, out Category category)
    {
        category = null!;
        return slug is not null && BySlug.TryGetValue(slug.Trim(), out category!);
    }
}
