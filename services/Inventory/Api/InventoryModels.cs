namespace ShopDapr.Inventory.Api;

// Binding models with nullable members, so a missing field is told apart from 0 and answered 400;
// the wire shapes are the contract records (SetStockRequest, ReserveStockRequest, StockLine).

public sealed record SetStockBody(int? OnHand);

public sealed record ReserveLineBody(string? Sku, int? Quantity);

public sealed record ReserveStockBody(Guid? OrderId, IReadOnlyList<ReserveLineBody?>? Lines);
