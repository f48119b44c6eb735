using ShopDapr.Contracts.Shipping;

namespace ShopDapr.Shipping.Domain;

/// <summary>What a shipment request must hold: an order, a complete address, 1–100 lines of 1–999 of a SKU.</summary>
public static class ShipmentRules
{
    public const int MaxField = 200;
    public const int MaxLines = 100;
    public const int MaxQuantity = 999;

    public sealed record Problem(int Status, IReadOnlyDictionary<string, string[]> Errors);

    public static Problem? Check(CreateShipmentRequest? request)
    {
        if (request is null)
            return Malformed("body", "A shipment request is required.");
        if (request.OrderId == Guid.Empty)
            return Malformed("orderId", "An order id is required.");
        if (request.Address is not { } a)
            return Malformed("address", "An address is required.");
        if (request.Lines is not { Count: > 0 } lines)
            return Malformed("lines", "A shipment has at least one line.");
        foreach (var (field, value) in new[] { ("name", a.Name), ("street", a.Street), ("city", a.City), ("postalCode", a.PostalCode), ("country", a.Country) })
        {
            if (string.IsNullOrWhiteSpace(value))
                return Broken($"address.{field}", "This part of the address is required.");
            if (value.Length > MaxField || value.Any(char.IsControl))
                return Broken($"address.{field}", $"At most {MaxField} printable characters.");
        }
        if (lines.Count > MaxLines)
            return Broken("lines", $"A shipment has at most {MaxLines} lines.");
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i] is null || string.IsNullOrWhiteSpace(lines[i].Sku))
                return Malformed($"lines[{i}].sku", "Each line names a SKU.");
            if (lines[i].Quantity is < 1 or > MaxQuantity)
                return Broken($"lines[{i}].quantity", $"A quantity is 1 to {MaxQuantity}.");
        }
        return null;
    }

    private static Problem Malformed(string field, string message) => new(400, new Dictionary<string, string[]> { [field] = [message] });

    private static Problem Broken(string field, string message) => new(422, new Dictionary<string, string[]> { [field] = [message] });
}
