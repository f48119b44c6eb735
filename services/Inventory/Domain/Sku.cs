using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace ShopDapr.Inventory.Domain;

/// <summary>
/// A stock-keeping unit as the catalog writes it: 3 to 32 upper-case letters, digits or dashes, starting with a letter
/// or digit. Input is trimmed and upper-cased first, so <c>abc-000001</c> and <c>ABC-000001</c> are one SKU (one actor).
/// </summary>
public static partial class Sku
{
    public const string Rule = "A SKU is 3 to 32 letters, digits or dashes, starting with a letter or digit.";

    public static bool TryNormalize(string? value, [NotNullWhen(true)] out string? sku)
    {
        sku = null;
        if (value is null || value.Length > 64)
            return false;
        var candidate = value.Trim().ToUpperInvariant();
        if (!Pattern().IsMatch(candidate))
            return false;
        sku = candidate;
        return true;
    }

    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{2,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
