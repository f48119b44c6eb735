using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;

namespace ShopDapr.Ordering.Domain;

/// <summary>
/// What a place-order request must hold; each problem names its field (camelCase, as the client sent it). The address
/// follows the shared <see cref="CheckoutRules"/>, the same rules cart applied to the client's checkout; the card is the
/// one cart vaulted with payment (<see cref="CardOnFile"/>: a token and the last four digits, never a number).
/// </summary>
public static class PlaceOrderRules
{
    public static Dictionary<string, string[]> Check(PlaceOrderRequest? request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null)
        {
            errors["body"] = ["A place-order request is required."];
            return errors;
        }
        Require(errors, "idempotencyKey", request.IdempotencyKey, CheckoutRules.MaxIdempotencyKeyLength);
        Require(errors, "customerId", request.CustomerId, 200);
        Require(errors, "currency", request.Currency, 3);
        if (request.Lines is not { Count: > 0 })
            errors["lines"] = ["An order needs at least one line."];
        else if (request.Lines.Any(l => l is null || l.Quantity < 1 || l.UnitPrice < 0 || string.IsNullOrWhiteSpace(l.Sku)))
            errors["lines"] = ["Every line needs a SKU, a quantity of at least 1 and a price of at least 0."];
        CheckoutRules.CheckAddress(request.ShippingAddress, errors);
        CardOnFile.Check(request.Card, errors);
        return errors;
    }

    private static void Require(Dictionary<string, string[]> errors, string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
            errors[field] = [$"{field} is required."];
        else if (value.Length > maxLength)
            errors[field] = [$"{field} is longer than {maxLength} characters."];
    }
}
