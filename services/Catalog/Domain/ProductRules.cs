using System.Text.RegularExpressions;

namespace ShopDapr.Catalog.Domain;

/// <summary>The rules a product draft must keep. Errors are keyed by the camelCase field name, as an API shows them.</summary>
public static partial class ProductRules
{
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxBrandLength = 100;
    public const int MaxAttributes = 20;
    public const int MaxAttributeKeyLength = 40;
    public const int MaxAttributeValueLength = 200;
    public const decimal MaxPrice = 1_000_000m;

    public static IReadOnlyDictionary<string, string[]> Validate(ProductDraft draft)
    {
        var errors = new Dictionary<string, List<string>>();
        void Fail(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
                errors[field] = list = [];
            list.Add(message);
        }

        if (string.IsNullOrWhiteSpace(draft.Sku))
            Fail("sku", "The SKU is required.");
        else if (!SkuPattern().IsMatch(draft.Sku.Trim()))
            Fail("sku", "The SKU must be 3 to 32 upper-case letters, digits or dashes, starting with a letter or digit.");

        if (string.IsNullOrWhiteSpace(draft.Name))
            Fail("name", "The name is required.");
        else if (draft.Name.Trim().Length > MaxNameLength)
            Fail("name", $"The name must be at most {MaxNameLength} characters.");

        if (draft.Description is { Length: > MaxDescriptionLength })
            Fail("description", $"The description must be at most {MaxDescriptionLength} characters.");

        if (string.IsNullOrWhiteSpace(draft.Category))
            Fail("category", "The category is required.");
        else if (!Categories.TryFind(draft.Category, out _))
            Fail("category", $"Unknown category '{draft.Category}'. Known: {string.Join(", ", Categories.All.Select(c => c.Slug))}.");

        if (string.IsNullOrWhiteSpace(draft.Brand))
            Fail("brand", "The brand is required.");
        else if (draft.Brand.Trim().Length > MaxBrandLength)
            Fail("brand", $"The brand must be at most {MaxBrandLength} characters.");

        if (draft.Price <= 0)
            Fail("price", "The price must be greater than zero.");
        else if (draft.Price > MaxPrice)
            Fail("price", $"The price must be at most {MaxPrice}.");
        else if (decimal.Round(draft.Price, 2) != draft.Price)
            Fail("price", "The price must have at most two decimal places.");

        if (string.IsNullOrWhiteSpace(draft.Currency) || !CurrencyPattern().IsMatch(draft.Currency.Trim().ToUpperInvariant()))
            Fail("currency", "The currency must be a three-letter ISO 4217 code such as USD.");

        if (draft.Attributes is { } attributes)
        {
            if (attributes.Count > MaxAttributes)
                Fail("attributes", $"At most {MaxAttributes} attributes are allowed.");
            foreach (var (key, value) in attributes)
            {
                if (string.IsNullOrWhiteSpace(key) || key.Length > MaxAttributeKeyLength)
                    Fail("attributes", $"Attribute names must be 1 to {MaxAttributeKeyLength} characters.");
                if (value is null || value.Length > MaxAttributeValueLength)
                    Fail("attributes", $"Attribute '{key}' must have a value of at most {MaxAttributeValueLength} characters.");
            }
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{2,31}$")]
    private static partial Regex SkuPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();
}
