using ShopDapr.Contracts.Ordering;

namespace ShopDapr.Ordering.Domain;

/// <summary>What a place-order request must hold; each problem names its field (camelCase, as the client sent it).</summary>
public static class CheckoutRules
{
    public static Dictionary<string, string[]> Check(PlaceOrderRequest? request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null)
        {
            errors["body"] = ["A place-order request is required."];
            return errors;
        }
        Require(errors, "idempotencyKey", request.IdempotencyKey, 200);
        Require(errors, "customerId", request.CustomerId, 200);
        Require(errors, "currency", request.Currency, 3);
        if (request.Lines is not { Count: > 0 })
            errors["lines"] = ["An order needs at least one line."];
        else if (request.Lines.Any(l => l is null || l.Quantity < 1 || l.UnitPrice < 0 || string.IsNullOrWhiteSpace(l.Sku)))
            errors["lines"] = ["Every line needs a SKU, a quantity of at least 1 and a price of at least 0."];
        if (request.ShippingAddress is not { } a)
            errors["shippingAddress"] = ["A shipping address is required."];
        else
            foreach (var (field, value) in AddressFields(a))
                Require(errors, $"shippingAddress.{field}", value, 200);
        if (request.ShippingAddress is { } address && !errors.ContainsKey("shippingAddress.country") && !CountryCodes.IsAssigned(address.Country))
            errors["shippingAddress.country"] = ["The country is an ISO 3166-1 alpha-2 code in capitals (FR, GB, US)."];
        if (request.Card is null || !CardFormat.IsValid(request.Card))
            errors["card"] = ["A card number (12–19 digits), an expiry (MM/YY) and a CVC (3–4 digits) are required."];
        return errors;
    }

    public static IEnumerable<(string Field, string? Value)> AddressFields(Address a) =>
        [("name", a.Name), ("street", a.Street), ("city", a.City), ("postalCode", a.PostalCode), ("country", a.Country)];

    private static void Require(Dictionary<string, string[]> errors, string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
            errors[field] = [$"{field} is required."];
        else if (value.Length > maxLength)
            errors[field] = [$"{field} is longer than {maxLength} characters."];
    }
}

/// <summary>The shape of card details (not whether the card is good: that is payment's answer).</summary>
public static class CardFormat
{
    public static bool IsValid(CardDetails card) =>
        card.Number is { Length: >= 12 and <= 19 } n && n.All(char.IsAsciiDigit)
        && card.Expiry is { Length: 5 } e && e[2] == '/' && int.TryParse(e[..2], out var month) && month is >= 1 and <= 12 && e[3..].All(char.IsAsciiDigit)
        && card.Cvc is { Length: 3 or 4 } c && c.All(char.IsAsciiDigit);

    public static string Last4(string number) => number.Length >= 4 ? number[^4..] : number;
}
