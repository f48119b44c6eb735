using ShopDapr.Contracts.Analytics;
using ShopDapr.Contracts.Cart;
using ShopDapr.Contracts.Catalog;
using ShopDapr.Contracts.Inventory;
using ShopDapr.Contracts.Ordering;

namespace ShopDapr.Analytics.Domain;

/// <summary>What an event tells about a product, beside any signal: its SKU, category, price, or that it is gone.</summary>
public sealed record FactUpdate(Guid ProductId, string? Sku, string? Category, decimal? Price, bool Deleted = false);

/// <summary>A SKU's available stock as of <see cref="At"/> (state key <c>stock-{sku}</c>).</summary>
public sealed record StockFact(string Sku, int Available, DateTimeOffset At);

/// <summary>
/// Everything one event changes in analytics: signals (profiles, trending), product facts, stock, and a basket (the
/// products bought together). An event that is malformed for analytics (no product, no customer where one is needed)
/// has no effects: <see cref="Of"/> returns null and the delivery is dropped to the dead-letter topic.
/// </summary>
public sealed record EventEffects(
    IReadOnlyList<Signal> Signals,
    IReadOnlyList<FactUpdate> Facts,
    StockFact? Stock = null,
    IReadOnlyList<Guid>? Basket = null)
{
    public static EventEffects? Of(object integrationEvent) => integrationEvent switch
    {
        ProductViewed e when e.ProductId != Guid.Empty =>
            new([new(SignalKind.View, Customer(e.UserId), e.ProductId, Category(e.Category), e.OccurredAt)],
                [new(e.ProductId, e.Sku, Category(e.Category), e.Price)]),
        ItemAddedToCart e when e.ProductId != Guid.Empty && Customer(e.UserId) is { } customer =>
            new([new(SignalKind.CartAdd, customer, e.ProductId, null, e.OccurredAt)], [new(e.ProductId, e.Sku, null, e.UnitPrice)]),
        ItemRemovedFromCart e when e.ProductId != Guid.Empty && Customer(e.UserId) is { } customer =>
            new([new(SignalKind.CartRemove, customer, e.ProductId, null, e.OccurredAt)], []),
        CheckoutStarted e when Customer(e.UserId) is { } customer && e.ProductIds is { Count: > 0 } ids && !ids.Contains(Guid.Empty) =>
            new([.. ids.Distinct().Take(CoOccurrence.MaxLinesPaired).Select(id => new Signal(SignalKind.CheckoutStarted, customer, id, null, e.OccurredAt))], []),
        OrderSubmitted e when Customer(e.CustomerId) is { } customer && e.Lines is { Count: > 0 } lines && lines.All(l => l is not null && l.ProductId != Guid.Empty) =>
            new([.. lines.DistinctBy(l => l.ProductId).Take(CoOccurrence.MaxLinesPaired).Select(l => new Signal(SignalKind.Purchase, customer, l.ProductId, null, e.OccurredAt))],
                [.. lines.DistinctBy(l => l.ProductId).Take(CoOccurrence.MaxLinesPaired).Select(l => new FactUpdate(l.ProductId, l.Sku, null, l.UnitPrice))],
                Basket: [.. lines.Select(l => l.ProductId).Distinct().Take(CoOccurrence.MaxLinesPaired)]),
        ProductCreated e when e.ProductId != Guid.Empty => new([], [new(e.ProductId, e.Sku, Category(e.Category), e.Price)]),
        ProductUpdated e when e.ProductId != Guid.Empty => new([], [new(e.ProductId, e.Sku, Category(e.Category), e.Price)]),
        ProductDeleted e when e.ProductId != Guid.Empty => new([], [new(e.ProductId, e.Sku, null, null, Deleted: true)]),
        StockLevelChanged e when !string.IsNullOrWhiteSpace(e.Sku) => new([], [], new StockFact(e.Sku, e.Available, e.OccurredAt)),
        StockDepleted e when !string.IsNullOrWhiteSpace(e.Sku) => new([], [], new StockFact(e.Sku, 0, e.OccurredAt)),
        _ => null,
    };

    /// <summary>The products whose facts this event reads or changes.</summary>
    public IEnumerable<Guid> Products => Signals.Select(s => s.ProductId).Concat(Facts.Select(f => f.ProductId)).Distinct();

    private static string? Customer(string? id) => string.IsNullOrWhiteSpace(id) ? null : id;

    /// <summary>Categories as catalog keeps them: trimmed, lower case.</summary>
    public static string? Category(string? category) => string.IsNullOrWhiteSpace(category) ? null : category.Trim().ToLowerInvariant();
}
