using System.Globalization;

namespace ShopDapr.Contracts.Ordering;

/// <summary>
/// The one set of checkout rules, called by cart (the client's checkout), ordering (the address of the order it is handed)
/// and payment's vault (the card, the only place a card goes after cart). Each problem names its field as the client sent
/// it (camelCase paths).
/// <list type="bullet">
/// <item>Address: name, street, city, postal code and country all present, at most 200 characters each; the country an
/// assigned ISO 3166-1 alpha-2 code in capitals (<see cref="CountryCodes"/>).</item>
/// <item>Card number: 12 to 19 digits and nothing else (a client strips the spaces it shows), passing the Luhn check.</item>
/// <item>Expiry: <c>MM/YY</c> or <c>MM/YYYY</c> (cards print the first, many forms send the second), month 01–12;
/// <c>YY</c> means 20YY. Whether it lies in the past is the card provider's answer (a decline, <c>expired_card</c>).</item>
/// <item>CVC: 3 or 4 digits. Checked when the card is vaulted, then dropped: never stored, never sent on.</item>
/// </list>
/// Whether a well-formed card is any good is the provider's call, not a rule.
/// </summary>
public static class CheckoutRules
{
    public const int MaxIdempotencyKeyLength = 200;
    public const int MaxAddressFieldLength = 200;

    public const string CardNumberRule = "The card number is 12 to 19 digits (no spaces or dashes) and passes the Luhn check.";
    public const string ExpiryRule = "The expiry is MM/YY or MM/YYYY, month 01 to 12.";
    public const string CvcRule = "The CVC is 3 or 4 digits.";
    public const string CountryRule = "The country is an ISO 3166-1 alpha-2 code in capitals (FR, GB, US).";

    /// <summary>Field → problems for a checkout's address and card; empty when both are good.</summary>
    public static Dictionary<string, string[]> Check(Address? address, CardDetails? card)
    {
        var errors = new Dictionary<string, string[]>();
        CheckAddress(address, errors);
        CheckCard(card, errors);
        return errors;
    }

    public static void CheckAddress(Address? address, IDictionary<string, string[]> errors, string path = "shippingAddress")
    {
        if (address is null)
        {
            errors[path] = ["A shipping address is required."];
            return;
        }
        foreach (var (field, value) in new[] { ("name", address.Name), ("street", address.Street), ("city", address.City), ("postalCode", address.PostalCode), ("country", address.Country) })
            if (string.IsNullOrWhiteSpace(value) || value.Length > MaxAddressFieldLength)
                errors[$"{path}.{field}"] = [$"{field} is required (at most {MaxAddressFieldLength} characters)."];
        if (!errors.ContainsKey($"{path}.country") && !CountryCodes.IsAssigned(address.Country))
            errors[$"{path}.country"] = [CountryRule];
    }

    public static void CheckCard(CardDetails? card, IDictionary<string, string[]> errors, string path = "card")
    {
        if (card is null)
        {
            errors[path] = ["Card details are required."];
            return;
        }
        if (!IsCardNumber(card.Number))
            errors[$"{path}.number"] = [CardNumberRule];
        if (CardExpiry.Parse(card.Expiry) is null)
            errors[$"{path}.expiry"] = [ExpiryRule];
        if (!IsCvc(card.Cvc))
            errors[$"{path}.cvc"] = [CvcRule];
    }

    public static bool IsCardNumber(string? number) =>
        number is { Length: >= 12 and <= 19 } && number.All(char.IsAsciiDigit) && PassesLuhn(number);

    public static bool IsCvc(string? cvc) => cvc is { Length: 3 or 4 } && cvc.All(char.IsAsciiDigit);

    /// <summary>The Luhn checksum every real card number passes (catches a mistyped digit and most swaps).</summary>
    public static bool PassesLuhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            sum += d;
        }
        return sum % 10 == 0;
    }

    /// <summary>The last four digits: the only part of a card number that is ever stored, shown or logged.</summary>
    public static string Last4(string number) => number.Length >= 4 ? number[^4..] : number;
}

/// <summary>The last month a card is valid in, read from <c>MM/YY</c> or <c>MM/YYYY</c>; written <c>MM/YYYY</c>.</summary>
public readonly record struct CardExpiry(int Year, int Month)
{
    public static CardExpiry? Parse(string? expiry)
    {
        if (expiry is null || expiry.Split('/') is not [var mm, var yy] || mm.Length != 2 || yy.Length is not (2 or 4)
            || !mm.All(char.IsAsciiDigit) || !yy.All(char.IsAsciiDigit))
            return null;
        var month = int.Parse(mm, CultureInfo.InvariantCulture);
        var year = int.Parse(yy, CultureInfo.InvariantCulture);
        return month is < 1 or > 12 ? null : new CardExpiry(yy.Length == 2 ? 2000 + year : year, month);
    }

    /// <summary>True once the month after the expiry month has begun.</summary>
    public bool IsPastAt(DateTimeOffset now) => (Year, Month).CompareTo((now.Year, now.Month)) < 0;

    public override string ToString() => $"{Month:00}/{Year:0000}";
}
