using ShopDapr.Contracts.Ordering;

namespace ShopDapr.Cart.Domain;

/// <summary>What a checkout must hold, and what it leaves in the cart.</summary>
public static class CheckoutRules
{
    public const int MaxIdempotencyKeyLength = 200;

    /// <summary>Field → problems (camelCase paths, as the client sent them); empty when the request is good.</summary>
    public static Dictionary<string, string[]> Check(Address? address, CardDetails? card)
    {
        var errors = new Dictionary<string, string[]>();
        if (address is null)
            errors["shippingAddress"] = ["A shipping address is required."];
        else
            foreach (var (field, value) in new[] { ("name", address.Name), ("street", address.Street), ("city", address.City), ("postalCode", address.PostalCode), ("country", address.Country) })
                if (string.IsNullOrWhiteSpace(value) || value.Length > 200)
                    errors[$"shippingAddress.{field}"] = [$"{field} is required (at most 200 characters)."];
            if (address is not null && !errors.ContainsKey("shippingAddress.country") && !CountryCodes.IsAssigned(address.Country))
                errors["shippingAddress.country"] = ["The country is an ISO 3166-1 alpha-2 code in capitals (FR, GB, US)."];
        if (card is null)
            errors["card"] = ["Card details are required."];
        else
        {
            if (card.Number is not { Length: >= 12 and <= 19 } n || !n.All(char.IsAsciiDigit))
                errors["card.number"] = ["The card number is 12 to 19 digits."];
            if (card.Expiry is not { Length: 5 } e || e[2] != '/' || !int.TryParse(e[..2], out var month) || month is < 1 or > 12 || !e[3..].All(char.IsAsciiDigit))
                errors["card.expiry"] = ["The expiry is MM/YY."];
            if (card.Cvc is not { Length: 3 or 4 } c || !c.All(char.IsAsciiDigit))
                errors["card.cvc"] = ["The CVC is 3 or 4 digits."];
        }
        return errors;
    }

    /// <summary>
    /// The cart once the ordered lines are taken out: a line added or raised while ordering took the order stays,
    /// so emptying never loses what the customer did meanwhile.
    /// </summary>
    public static CartChange TakeOrdered(ShoppingCart cart, IReadOnlyList<CartLine> ordered, DateTimeOffset now)
    {
        var lines = cart.Lines
            .Select(l => l with { Quantity = l.Quantity - ordered.Where(o => o.ProductId == l.ProductId).Sum(o => o.Quantity) })
            .Where(l => l.Quantity > 0)
            .ToList();
        return new CartChange.Changed(cart with { Lines = lines, UpdatedAt = now });
    }
}
