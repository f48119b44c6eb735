using System.ComponentModel.DataAnnotations;
using ShopDapr.ServiceDefaults.Configuration;

namespace ShopDapr.Inventory;

/// <summary>Inventory's settings (section <c>Inventory</c>).</summary>
public sealed class InventoryOptions
{
    public const string Section = "Inventory";

    /// <summary>The most a SKU may have on hand (a PUT above it is a 422).</summary>
    public const int MaxOnHand = 1_000_000;

    /// <summary>The most one order line may reserve.</summary>
    public const int MaxLineQuantity = 10_000;

    /// <summary>The most lines one reservation may hold.</summary>
    public const int MaxLines = 100;

    /// <summary>StockLow is published while available stock is at or below this (and above 0).</summary>
    [Range(0, MaxOnHand)]
    public int LowStockThreshold { get; set; } = 5;

    /// <summary>How long an unconfirmed reservation holds stock before the expiry reminder releases it.</summary>
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan ReservationTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The period of the expiry reminder after its first firing (at the earliest expiry), until no reservation is left.</summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan ExpiryCheckPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a SKU remembers how an order's reservation ended (so repeats answer alike): each order's own key expires then.</summary>
    [TimeSpanRange("00:01:00", "30.00:00:00")]
    public TimeSpan SettlementRetention { get; set; } = TimeSpan.FromDays(7);
}
