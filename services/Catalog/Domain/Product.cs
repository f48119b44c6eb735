namespace ShopDapr.Catalog.Domain;

/// <summary>A price: an amount in a currency (ISO 4217 code, e.g. USD).</summary>
public readonly record struct Money(decimal Amount, string Currency);

/// <summary>One product of the catalog. Plain data: the rules live in <see cref="ProductRules"/>.</summary>
public sealed record Product
{
    public required Guid Id { get; init; }

    /// <summary>Stock-keeping unit: upper-case letters, digits and dashes; the key inventory uses.</summary>
    public required string Sku { get; init; }

    public required string Name { get; init; }

    public string Description { get; init; } = "";

    /// <summary>The slug of one of <see cref="Categories.All"/>.</summary>
    public required string Category { get; init; }

    public required string Brand { get; init; }

    public required Money Price { get; init; }

    /// <summary>Free-form facts (colour, size, material …), shown as given.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>A new product from a draft that passed <see cref="ProductRules.Validate"/>.</summary>
    public static Product Create(Guid id, ProductDraft draft, DateTimeOffset now) => new()
    {
        Id = id,
        Sku = draft.Sku.Trim(),
        Name = draft.Name.Trim(),
        Description = draft.Description?.Trim() ?? "",
        Category = draft.Category.Trim().ToLowerInvariant(),
        Brand = draft.Brand.Trim(),
        Price = new Money(draft.Price, draft.Currency.Trim().ToUpperInvariant()),
        Attributes = new Dictionary<string, string>(draft.Attributes ?? new Dictionary<string, string>()),
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>This product with every editable field replaced by the draft's; id and creation time stay.</summary>
    public Product Apply(ProductDraft draft, DateTimeOffset now) =>
        Create(Id, draft, now) with { CreatedAt = CreatedAt };
}

/// <summary>What an editor supplies for a product: everything but the id and the timestamps.</summary>
public sealed record ProductDraft(
    string Sku,
    string Name,
    string? Description,
    string Category,
    string Brand,
    decimal Price,
    string Currency,
    IReadOnlyDictionary<string, string>? Attributes);
