using System.Globalization;

namespace ShopDapr.Notifications.Emails;

/// <summary>Amounts as customers read them: <c>€1,234.50</c> for currencies with a well-known symbol, else <c>1,234.50 CHF</c>.</summary>
public static class Money
{
    private static readonly Dictionary<string, string> Symbols = new(StringComparer.Ordinal)
    {
        ["EUR"] = "€", ["USD"] = "$", ["GBP"] = "£", ["JPY"] = "¥",
    };

    public static string Format(decimal amount, string currency)
    {
        var number = amount.ToString(currency == "JPY" ? "N0" : "N2", CultureInfo.InvariantCulture);
        return Symbols.TryGetValue(currency, out var symbol)
            ? (amount < 0 ? "-" + symbol + number[1..] : symbol + number)
            : $"{number} {currency}";
    }
}
