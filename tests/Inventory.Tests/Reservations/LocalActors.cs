using System.Collections.Concurrent;
using Dapr.Actors;
using Dapr.Actors.Client;
using NSubstitute;
using ShopDapr.Inventory.Actors;
using ShopDapr.Inventory.Domain;
using ShopDapr.Inventory.Tests.Actors;

namespace ShopDapr.Inventory.Tests.Reservations;

/// <summary>
/// A substituted <see cref="IActorProxyFactory"/> whose proxies run <see cref="InventoryActor"/> in-process: each call
/// takes the SKU's turn (one call per actor at a time, as the sidecar does), then runs on a fresh activation over the
/// SKU's saved state. Calls are counted, and a SKU can be made unreachable.
/// </summary>
public sealed class LocalActors
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _turns = new();

    public LocalActors(ActorWorld world)
    {
        World = world;
        Factory.CreateActorProxy<IInventoryActor>(Arg.Any<ActorId>(), Arg.Any<string>(), Arg.Any<ActorProxyOptions>())
            .Returns(ci =>
            {
                Assert.Equal(nameof(InventoryActor), ci.ArgAt<string>(1));
                return new Proxy(this, ci.ArgAt<ActorId>(0).GetId());
            });
    }

    public ActorWorld World { get; }

    public IActorProxyFactory Factory { get; } = Substitute.For<IActorProxyFactory>();

    /// <summary>(SKU, method) of every call, in order.</summary>
    public ConcurrentQueue<(string Sku, string Method)> Calls { get; } = new();

    /// <summary>SKUs whose actor cannot be reached (the call throws as the SDK does when the sidecar answers 500).</summary>
    public ConcurrentDictionary<string, bool> Unreachable { get; } = new();

    public async Task<StockSnapshot> LevelAsync(string sku) => await World.Activate(sku).GetLevelAsync();

    public async Task StockAsync(string sku, int onHand) => Assert.True((await World.Activate(sku).SetOnHandAsync(onHand)).Applied);

    private async Task<T> InTurnAsync<T>(string sku, string method, Func<InventoryActor, Task<T>> call)
    {
        Calls.Enqueue((sku, method));
        if (Unreachable.ContainsKey(sku))
            throw new ActorMethodInvocationException($"The actor {sku} could not be reached.", new HttpRequestException("connection refused"), false);
        var turn = _turns.GetOrAdd(sku, _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync();
        try
        {
            return await call(World.Activate(sku));
        }
        finally
        {
            turn.Release();
        }
    }

    private sealed class Proxy(LocalActors actors, string sku) : IInventoryActor
    {
        public Task<ReserveResult> ReserveAsync(Guid orderId, int quantity, TimeSpan ttl) =>
            actors.InTurnAsync(sku, nameof(ReserveAsync), a => a.ReserveAsync(orderId, quantity, ttl));

        public Task<ConfirmStatus> ConfirmAsync(Guid orderId) =>
            actors.InTurnAsync(sku, nameof(ConfirmAsync), a => a.ConfirmAsync(orderId));

        public Task<bool> ReleaseAsync(Guid orderId) =>
            actors.InTurnAsync(sku, nameof(ReleaseAsync), a => a.ReleaseAsync(orderId));

        public Task<SetOnHandResult> SetOnHandAsync(int onHand) =>
            actors.InTurnAsync(sku, nameof(SetOnHandAsync), a => a.SetOnHandAsync(onHand));

        public Task<StockSnapshot> GetLevelAsync() =>
            actors.InTurnAsync(sku, nameof(GetLevelAsync), a => a.GetLevelAsync());
    }
}
