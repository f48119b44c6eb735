using System.Runtime.Serialization;
using Dapr.Actors;
using ShopDapr.Contracts.Inventory;
using ShopDapr.Inventory.Domain;

namespace ShopDapr.Inventory.Actors;

/// <summary>
/// The stock of one SKU (actor id = the SKU). Calls are turn-based (the sidecar runs one at a time per SKU), so a
/// reservation never reads a level another is changing: no oversell. Reached through actor remoting, whose
/// DataContract serialization is why the results below carry <c>[DataContract]</c>.
/// </summary>
public interface IInventoryActor : IActor
{
    /// <summary>Holds <paramref name="quantity"/> for the order until confirmed, released or <paramref name="ttl"/> passes (≤ 0: the configured TTL).</summary>
    Task<ReserveResult> ReserveAsync(Guid orderId, int quantity, TimeSpan ttl);

    /// <summary>Takes the order's held stock off hand; idempotent.</summary>
    Task<ConfirmStatus> ConfirmAsync(Guid orderId);

    /// <summary>Gives the order's held stock back; idempotent; true when something was released.</summary>
    Task<bool> ReleaseAsync(Guid orderId);

    /// <summary>Admin: sets the stock on hand; refused (Applied = false) below what is reserved.</summary>
    Task<SetOnHandResult> SetOnHandAsync(int onHand);

    Task<StockSnapshot> GetLevelAsync();
}

[DataContract]
public sealed record StockSnapshot(
    [property: DataMember] string Sku,
    [property: DataMember] int OnHand,
    [property: DataMember] int Reserved,
    [property: DataMember] int Available)
{
    public StockLevel ToLevel() => new(Sku, OnHand, Reserved, Available);
}

[DataContract]
public sealed record ReserveResult([property: DataMember] ReserveStatus Status, [property: DataMember] StockSnapshot Level)
{
    /// <summary>The order holds (or already took) the stock.</summary>
    public bool Succeeded => Status is ReserveStatus.Reserved or ReserveStatus.AlreadyConfirmed;
}

[DataContract]
public sealed record SetOnHandResult([property: DataMember] bool Applied, [property: DataMember] StockSnapshot Level);
