using ShopDapr.Contracts.Ordering;

namespace ShopDapr.Notifications.Tests;

/// <summary>Sample order events.</summary>
internal static class Events
{
    public static readonly DateTimeOffset At = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    public static OrderSubmitted Submitted(Guid? orderId = null, string email = "ada@example.com", string itemName = "Hammer") => new(
        Guid.NewGuid(), orderId ?? Guid.NewGuid(), 1, "customer-1", email, At,
        [new OrderLine(Guid.NewGuid(), "SKU-1", itemName, 12.50m, 2), new OrderLine(Guid.NewGuid(), "SKU-2", "Nails", 1234.5m, 1)],
        1259.50m, "EUR", new Address("Ada Lovelace", "1 Analytical Way", "London", "N1 9GU", "GB"), "4242");

    public static OrderCancelled Cancelled(string reason, bool refunded, Guid? orderId = null) =>
        new(Guid.NewGuid(), orderId ?? Guid.NewGuid(), 5, "customer-1", "ada@example.com", At, reason, refunded);

    public static OrderPaid Paid(Guid? orderId = null) =>
        new(Guid.NewGuid(), orderId ?? Guid.NewGuid(), 3, "customer-1", "ada@example.com", At, "pay_123", 99.9m, "USD");

    public static OrderShipped Shipped(Guid? orderId = null) =>
        new(Guid.NewGuid(), orderId ?? Guid.NewGuid(), 4, "customer-1", "ada@example.com", At, "shp_1", "SD0123456789");

    public static StockReserved Reserved(Guid? orderId = null) =>
        new(Guid.NewGuid(), orderId ?? Guid.NewGuid(), 2, "customer-1", "ada@example.com", At);
}
