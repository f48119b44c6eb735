using ShopDapr.Contracts.Analytics;
using ShopDapr.Contracts.Inventory;
using ShopDapr.Contracts.Ordering;

namespace ShopDapr.Analytics.Tests;

/// <summary>Sample events, stamped now (trending only counts what is inside its windows).</summary>
internal static class Events
{
    public static ProductViewed Viewed(Guid productId, string? userId, string category = "tools", string? sku = null, decimal price = 10m) =>
        new(productId, userId, DateTimeOffset.UtcNow, category, sku ?? Sku(productId), price);

    public static OrderSubmitted Submitted(string customerId, params Guid[] products) => new(
        Guid.NewGuid(), Guid.NewGuid(), 1, customerId, $"{customerId}@example.com", DateTimeOffset.UtcNow,
        [.. products.Select(p => new OrderLine(p, Sku(p), "Item", 10m, 1))], 10m * products.Length, "EUR",
        new Address("Ada Lovelace", "1 Analytical Way", "London", "N1 9GU", "GB"), "4242");

    public static StockDepleted Depleted(Guid productId) => new(Sku(productId), DateTimeOffset.UtcNow);

    public static string Sku(Guid productId) => $"SKU-{productId.ToString("N")[..8].ToUpperInvariant()}";
}
