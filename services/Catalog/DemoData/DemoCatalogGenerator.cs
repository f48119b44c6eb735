using System.Globalization;
using ShopDapr.Catalog.Domain;

namespace ShopDapr.Catalog.DemoData;

/// <summary>
/// Makes a believable demo catalog from a seed: the same seed and count give the same products, byte for byte,
/// on every machine (ids, SKUs, prices and timestamps included).
/// </summary>
public static class DemoCatalogGenerator
{
    public const int DefaultSeed = 20_260_101;
    public const int DefaultCount = 1_200;

    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<Product> Generate(int count = DefaultCount, int seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        var products = new List<Product>(count);
        for (var i = 0; i < count; i++)
            products.Add(Next(random, i));
        return products;
    }

    private static Product Next(Random random, int index)
    {
        var words = DemoVocabulary.Categories[random.Next(DemoVocabulary.Categories.Length)];
        var brand = Pick(random, words.Brands);
        var noun = Pick(random, words.Nouns);
        var adjective = Pick(random, words.Adjectives);
        var model = ModelName(random);
        var color = Pick(random, DemoVocabulary.Colors);
        var material = Pick(random, words.Materials);
        var features = PickDistinct(random, words.Features, 3);
        var useCase = Pick(random, words.UseCases);

        var name = $"{brand} {adjective} {noun} {model}";
        var lowerNoun = noun.ToLowerInvariant();
        var description = string.Join(' ',
            $"The {brand} {adjective.ToLowerInvariant()} {lowerNoun}, made for {useCase}.",
            $"Highlights include {features[0]}, {features[1]} and {features[2]}.",
            $"Crafted from {material} and finished in {color}.",
            Pick(random, DemoVocabulary.Closings));

        var spread = (double)(words.MaxPrice - words.MinPrice);
        var price = decimal.Floor(words.MinPrice + (decimal)(random.NextDouble() * spread)) + 0.99m;
        var created = Epoch.AddMinutes(-random.Next(0, 365 * 24 * 60));
        var id = NewId(random);

        return new Product
        {
            Id = id,
            Sku = string.Create(CultureInfo.InvariantCulture, $"{words.Slug[..3].ToUpperInvariant()}-{index:D6}"),
            Name = name,
            Description = description,
            Category = words.Slug,
            Brand = brand,
            Price = new Money(price, "USD"),
            Attributes = new Dictionary<string, string>
            {
                ["color"] = color,
                ["material"] = material,
                ["model"] = model,
            },
            CreatedAt = created,
            UpdatedAt = created,
        };
    }

    private static string ModelName(Random random)
    {
        const string letters = "ABCDEFGHJKLMNPRSTVXZ";
        return string.Create(CultureInfo.InvariantCulture, $"{letters[random.Next(letters.Length)]}{random.Next(1, 100) * 10}");
    }

    private static Guid NewId(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 layout, as Guid.NewGuid would have
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    private static string Pick(Random random, string[] from) => from[random.Next(from.Length)];

    private static string[] PickDistinct(Random random, string[] from, int count)
    {
        var copy = (string[])from.Clone();
        random.Shuffle(copy);
        return copy[..count];
    }
}
