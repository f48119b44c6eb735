namespace ShopDapr.EndToEnd.Tests.Fuzz;

/// <summary>Who a route expects: the fuzzer gives each request that caller's real token before it mutates anything.</summary>
public enum Caller
{
    Anyone,
    Customer,
    Admin,
}

public enum FieldKind
{
    String,
    Integer,
    Decimal,
    Bool,
    Guid,
    Object,
}

/// <summary>One JSON field of a request body; <paramref name="Example"/> is a value the route accepts.</summary>
public sealed record FieldSpec(string Name, FieldKind Kind, bool Required, object? Example, IReadOnlyList<FieldSpec>? Fields = null);

/// <summary>
/// One public route through the gateway. Placeholders in <paramref name="Template"/> (<c>{product}</c>, <c>{sku}</c>,
/// <c>{order}</c>) are filled with real ids of the shop under test, so a request gets past routing and into the handler.
/// </summary>
public sealed record RouteSpec(
    string Method,
    string Template,
    Caller Caller,
    IReadOnlyList<FieldSpec>? Body = null,
    IReadOnlyList<string>? Query = null,
    string? RequiredHeader = null)
{
    public bool Mutates => Method != "GET";

    public override string ToString() => $"{Method} {Template}";
}

/// <summary>Every public route of the shop (docs/api.md), as the fuzzer drives them.</summary>
public static class FuzzRoutes
{
    private static readonly FieldSpec[] Address =
    [
        new("name", FieldKind.String, true, "Ada Lovelace"),
        new("street", FieldKind.String, true, "12 St James Square"),
        new("city", FieldKind.String, true, "London"),
        new("postalCode", FieldKind.String, true, "SW1Y 4JH"),
        new("country", FieldKind.String, true, "GB"),
    ];

    private static readonly FieldSpec[] Card =
    [
        new("number", FieldKind.String, true, "4242424242424242"),
        new("expiry", FieldKind.String, true, "12/34"),
        new("cvc", FieldKind.String, true, "123"),
    ];

    private static readonly FieldSpec[] Product =
    [
        new("sku", FieldKind.String, true, "FUZ-000001"),
        new("name", FieldKind.String, true, "Fuzzed kettle"),
        new("description", FieldKind.String, false, "A kettle"),
        new("category", FieldKind.String, true, "kitchen"),
        new("brand", FieldKind.String, true, "Acme"),
        new("price", FieldKind.Decimal, true, 19.99m),
        new("currency", FieldKind.String, false, "USD"),
    ];

    private static readonly string[] Browse = ["category", "brand", "minPrice", "maxPrice", "sort", "page", "pageSize"];
    private static readonly string[] Paging = ["page", "pageSize", "status"];

    public static readonly IReadOnlyList<RouteSpec> All =
    [
        new("POST", "/api/identity/register", Caller.Anyone,
            [new("email", FieldKind.String, true, "fuzz@example.com"), new("password", FieldKind.String, true, "Corr3ct-Horse-Battery"), new("name", FieldKind.String, true, "Fuzz")]),
        new("POST", "/api/identity/login", Caller.Anyone,
            [new("email", FieldKind.String, true, "fuzz@example.com"), new("password", FieldKind.String, true, "Corr3ct-Horse-Battery")]),
        new("GET", "/api/identity/me", Caller.Customer),
        new("GET", "/api/catalog/products", Caller.Anyone, Query: Browse),
        new("GET", "/api/catalog/products/{product}", Caller.Anyone),
        new("GET", "/api/catalog/categories", Caller.Anyone),
        new("GET", "/api/catalog/search", Caller.Anyone, Query: ["q", "page", "pageSize"]),
        new("POST", "/api/catalog/products", Caller.Admin, Product),
        new("PUT", "/api/catalog/products/{product}", Caller.Admin, Product, RequiredHeader: "If-Match"),
        new("DELETE", "/api/catalog/products/{product}", Caller.Admin, RequiredHeader: "If-Match"),
        new("GET", "/api/cart", Caller.Customer),
        new("POST", "/api/cart/items", Caller.Customer,
            [new("productId", FieldKind.Guid, true, "{product}"), new("quantity", FieldKind.Integer, true, 1)]),
        new("PUT", "/api/cart/items/{product}", Caller.Customer, [new("quantity", FieldKind.Integer, true, 2)]),
        new("DELETE", "/api/cart/items/{product}", Caller.Customer),
        new("POST", "/api/cart/checkout", Caller.Customer,
            [new("shippingAddress", FieldKind.Object, true, null, Address), new("card", FieldKind.Object, true, null, Card)],
            RequiredHeader: "Idempotency-Key"),
        new("GET", "/api/orders", Caller.Customer, Query: Paging),
        new("GET", "/api/orders/{order}", Caller.Customer),
        new("GET", "/api/orders/{order}/history", Caller.Customer),
        new("POST", "/api/orders/{order}/cancel", Caller.Customer, [new("reason", FieldKind.String, false, "changed my mind")]),
        new("POST", "/api/orders/{order}/approval", Caller.Admin,
            [new("approved", FieldKind.Bool, true, true), new("reason", FieldKind.String, false, "Called the customer")]),
        new("GET", "/api/orders/admin/deadletters", Caller.Admin, Query: ["page", "pageSize"]),
        new("GET", "/api/inventory/{sku}", Caller.Anyone),
        new("PUT", "/api/inventory/{sku}", Caller.Admin, [new("onHand", FieldKind.Integer, true, 5)]),
        new("GET", "/api/shipping/{order}", Caller.Admin),
        new("POST", "/api/shipping/{order}/delivered", Caller.Admin),
        new("GET", "/api/payments/ledger", Caller.Admin),
        new("GET", "/api/payments/{order}", Caller.Admin),
    ];
}
