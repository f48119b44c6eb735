namespace ShopDapr.Contracts.Inventory;

public sealed record StockLine(string Sku, int Quantity);

/// <summary>
/// ordering → inventory (<see cref="InventoryRoutes.Reservations"/>): reserve every line or none.
/// 200 when reserved (a repeat for the same order is a no-op 200); 409 ProblemDetails (extension <c>sku</c>) when a line is short.
/// </summary>
public sealed record ReserveStockRequest(Guid OrderId, IReadOnlyList<StockLine> Lines);

/// <summary><c>GET /api/inventory/{sku}</c>.</summary>
public sealed record StockLevel(string Sku, int OnHand, int Reserved, int Available);

/// <summary><c>PUT /api/inventory/{sku}</c> (admin).</summary>
public sealed record SetStockRequest(int OnHand);

/// <summary>Service-to-service routes of inventory. Confirm and release are idempotent and answer 204.</summary>
public static class InventoryRoutes
{
    public const string Reservations = "/internal/inventory/reservations";

    public static string Confirm(Guid orderId) => $"{Reservations}/{orderId}/confirm";

    public static string Release(Guid orderId) => $"{Reservations}/{orderId}/release";
}
