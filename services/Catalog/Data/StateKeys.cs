namespace ShopDapr.Catalog.Data;

/// <summary>The catalog's keys in the state store (the sidecar prefixes them with the app id).</summary>
internal static class StateKeys
{
    /// <summary>The ids of every product: lets the catalog list without a state query API.</summary>
    public const string ProductIds = "product-ids";

    /// <summary>Present once the demo catalog has been loaded into this store; never seeded twice.</summary>
    public const string DemoSeeded = "demo-catalog-seeded";

    public static string Product(Guid id) => $"product-{id:N}";

    /// <summary>A SKU's availability as inventory last reported it (the SKU normalised: trimmed, upper-case).</summary>
    public static string Stock(string normalizedSku) => $"stock-{normalizedSku}";
}
