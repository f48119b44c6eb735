using System.Globalization;

namespace ShopDapr.Payment.Domain;

/// <summary>
/// Shape checks of card details, done before any provider call. A number is 12 to 19 digits (spaces and dashes allowed
/// between them); expiry is MM/YY or MM/YYYY; the CVC is 3 or 4 digits. Whether the card is any good is the provider's call.
/// </summary>
public static class CardChecks
{
    /// <summary>The digits of a well-formed card number, or null.</summary>
    public static string? Digits(string? number)
    {
        if (string.IsNullOrWhiteSpace(number) || number.Length > 40)
            return null;
        var digits = new string([.. number.Where(c => c is not (' ' or '-'))]);
        return digits.Length is >= 12 and <= 19 && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    /// <summary>The last four digits, the only part of a number that is ever stored, shown or logged.</summary>
    public static string Last4(string digits) => digits[^4..];

    /// <summary>The Luhn checksum every real card number passes.</summary>
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

    /// <summary>The last month the card is valid in (year, month), or null when the expiry is not MM/YY or MM/YYYY.</summary>
    public static (int Year, int Month)? Expiry(string? expiry)
    {
        if (expiry is null || expiry.Split('/') is not [var mm, var yy] || mm.Length != 2 || yy.Length is not (2 or 4)
            || !mm.All(char.IsAsciiDigit) || !yy.All(char.IsAsciiDigit))
            return null;
        var month = int.Parse(mm, CultureInfo.InvariantCulture);
        var year = int.Parse(yy, CultureInfo.InvariantCulture);
        if (month is < 1 or > 12)
            return null;
        return (yy.Length == 2 ? 2000 + year : year, month);
    }

    public static bool IsExpired((int Year, int Month) expiry, DateTimeOffset now) =>
        (expiry.Year, expiry.Month).CompareTo((now.Year, now.Month)) < 0;

    public static bool IsCvc(string? cvc) => cvc is { Length: 3 or 4 } && cvc.All(char.IsAsciiDigit);
}
