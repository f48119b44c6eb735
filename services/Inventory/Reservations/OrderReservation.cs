using ShopDapr.Contracts.Inventory;

namespace ShopDapr.Inventory.Reservations;

/// <summary>
/// Which SKUs an order asked for, saved (first write wins) before any SKU is reserved, so confirm and release — which
/// name only the order — find every line, even after a crash half-way through reserving.
/// </summary>
public sealed record OrderReservation(Guid OrderId, IReadOnlyList<StockLine> Lines, DateTimeOffset RequestedAt)
{
    public static string Key(Guid orderId) => $"reservation-{orderId:N}";

    public bool SameLines(IReadOnlyList<StockLine> lines) => Lines.SequenceEqual(lines);
}

/// <summary>What a reservation request came to.</summary>
public abstract record ReserveOutcome
{
    private ReserveOutcome()
    {
    }

    /// <summary>Every line is held (or was already confirmed).</summary>
    public sealed record Reserved(IReadOnlyList<StockLevel> Levels) : ReserveOutcome;

    /// <summary>
    /// A line could not be held — short now or when this order first asked, or (<paramref name="WasReleased"/>) the
    /// order's hold on it was released or expired before — so nothing is held.
    /// </summary>
    public sealed record Short(string Sku, int Requested, int Available, bool WasReleased = false) : ReserveOutcome;

    /// <summary>The order already asked for other lines.</summary>
    public sealed record OtherLines(IReadOnlyList<StockLine> FirstLines) : ReserveOutcome;
}
