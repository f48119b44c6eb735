namespace ShopDapr.Analytics.Domain;

/// <summary>
/// What analytics knows about a product (state key <c>product-{id}</c>), gathered from the catalog's events, the
/// behaviour events that name it and the orders that contain it. <see cref="Category"/> is null until some event said it.
/// </summary>
public sealed record ProductFacts(Guid ProductId, string? Sku, string? Category, decimal? Price, bool Deleted = false)
{
    /// <summary>The facts after an event that knows some of them; what the event does not know stays as it was.</summary>
    public ProductFacts Merge(string? sku, string? category, decimal? price) =>
        this with { Sku = sku ?? Sku, Category = category ?? Category, Price = price ?? Price };

    /// <summary>The price band a re-ranker can use: 0 unknown, then 1 (under 10), 2 (under 50), 3 (under 200), 4 (more).</summary>
    public int PriceBand => Price switch
    {
        null => 0,
        < 10m => 1,
        < 50m => 2,
        < 200m => 3,
        _ => 4,
    };
}
