namespace ShopDapr.Contracts.Catalog;

/// <summary>A product was added to the catalog (topic <c>catalog-events</c>).</summary>
public sealed record ProductCreated(
    Guid ProductId, string Sku, string Name, string Category, string Brand, decimal Price, DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>A product's details or price changed (topic <c>catalog-events</c>).</summary>
public sealed record ProductUpdated(
    Guid ProductId, string Sku, string Name, string Category, string Brand, decimal Price, DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>A product was removed from the catalog (topic <c>catalog-events</c>).</summary>
public sealed record ProductDeleted(Guid ProductId, string Sku, DateTimeOffset OccurredAt) : IIntegrationEvent;
