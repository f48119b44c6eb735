using Dapr.Actors;
using Dapr.Actors.Client;
using ShopDapr.Inventory.Actors;

namespace ShopDapr.Inventory.Reservations;

/// <summary>The <see cref="IInventoryActor"/> of a SKU, through the actor proxy factory (a seam tests substitute).</summary>
public sealed class InventoryActors(IActorProxyFactory proxies)
{
    public IInventoryActor For(string sku) =>
        proxies.CreateActorProxy<IInventoryActor>(new ActorId(sku), nameof(InventoryActor));
}
