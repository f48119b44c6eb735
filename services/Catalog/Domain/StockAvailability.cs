namespace ShopDapr.Catalog.Domain;

/// <summary>
/// What the catalog knows of one SKU's stock: the units inventory can still sell, as of the time inventory changed it.
/// Inventory's level events are absolute (each carries the whole level and the time of the change), so the newest
/// one wins whatever order they arrive in, and the same event applied twice changes nothing.
/// </summary>
public sealed record StockAvailability(string Sku, int Available, DateTimeOffset AsOf)
{
    /// <summary>Inventory's spelling of a SKU (trimmed, upper-case): <c>abc-000001</c> and <c>ABC-000001</c> are one.</summary>
    public static string Normalize(string sku) => sku.Trim().ToUpperInvariant();

    /// <summary>
    /// True when <paramref name="next"/> should replace <paramref name="current"/>: nothing known yet, or a later change.
    /// An event as old as what is known is a redelivery or another event of the same change (StockLevelChanged and
    /// StockLow / StockDepleted carry one time and agree), so it is ignored; an older one arrived late.
    /// </summary>
    public static bool Replaces(StockAvailability? current, StockAvailability next) =>
        current is null || next.AsOf > current.AsOf;

    /// <summary>Why a stock event cannot be used, or null when it can (a SKU, a non-negative count, a time).</summary>
    public static string? Problem(string? sku, int available, DateTimeOffset occurredAt) =>
        string.IsNullOrWhiteSpace(sku) ? "the event names no SKU"
        : available < 0 ? $"the event says {available} available, below zero"
        : occurredAt == default ? "the event carries no time"
        : null;
}
