namespace ShopDapr.Contracts.Inventory;

/// <summary>Stock of a SKU changed (topic <c>inventory-events</c>); catalog keeps its availability view from these.</summary>
public sealed record StockLevelChanged(string Sku, int OnHand, int Reserved, int Available, DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>Available stock fell to or below the SKU's threshold.</summary>
public sealed record StockLow(string Sku, int Available, int Threshold, DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>Nothing left to sell.</summary>
public sealed record StockDepleted(string Sku, DateTimeOffset OccurredAt) : IIntegrationEvent;
