using Microsoft.Extensions.Logging.Abstractions;
using ShopDapr.Cart.Domain;
using ShopDapr.Cart.Infrastructure;
using ShopDapr.Contracts.Catalog;
using ShopDapr.ServiceDefaults;
using ShopDapr.Testing;

namespace ShopDapr.Cart.Tests;

/// <summary>
/// The store on a real DaprClient against a real dev sidecar (one per test). Another replica's save between the store's
/// read and its write is a window the sidecar cannot open on demand: <see cref="DaprWire.BeforeWrite"/> opens it on the
/// store client's wire, and the rival saves through the sidecar.
/// </summary>
public sealed class CartStoreTests : IAsyncLifetime
{
    private readonly DaprWire _wire = new();
    private DevDapr _dapr = null!;
    private CartStore _store = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _dapr = await DevDapr.StartAsync(ShopNames.AppIds.Cart, Ct);
        _store = new CartStore(_dapr.CreateClient(_wire), NullLogger<CartStore>.Instance);
    }

    public async ValueTask DisposeAsync() => await _dapr.DisposeAsync();

    [Fact]
    public async Task A_concurrent_change_is_not_lost_the_loser_retries_on_fresh_state()
    {
        var first = new ProductSummary(Guid.NewGuid(), "A", "A", 1m, 1);
        var second = new ProductSummary(Guid.NewGuid(), "B", "B", 2m, 1);
        await _store.UpdateAsync("c1", c => CartRules.Add(c, first, 1, DateTimeOffset.UtcNow), Ct);

        // Another replica saves between our read and our write, once.
        var interleaved = false;
        _wire.BeforeWrite = async (_, _) =>
        {
            if (interleaved)
                return;
            interleaved = true;
            var other = new CartStore(_dapr.Client, NullLogger<CartStore>.Instance);
            await other.UpdateAsync("c1", c => CartRules.Add(c, first, 5, DateTimeOffset.UtcNow), Ct);
        };
        await _store.UpdateAsync("c1", c => CartRules.Add(c, second, 2, DateTimeOffset.UtcNow), Ct);

        var cart = await _store.GetAsync("c1", Ct);
        Assert.True(interleaved);
        Assert.Equal(6, cart.Lines.Single(l => l.ProductId == first.Id).Quantity);
        Assert.Equal(2, cart.Lines.Single(l => l.ProductId == second.Id).Quantity);
    }

    [Fact]
    public async Task Two_new_carts_for_one_customer_do_not_overwrite_each_other()
    {
        var products = Enumerable.Range(0, 6).Select(i => new ProductSummary(Guid.NewGuid(), $"S{i}", $"P{i}", 1m, 1)).ToList();
        await Task.WhenAll(products.Select(p => Task.Run(() => _store.UpdateAsync("c2", c => CartRules.Add(c, p, 1, DateTimeOffset.UtcNow), Ct), Ct)));
        Assert.Equal(6, (await _store.GetAsync("c2", Ct)).Lines.Count);
    }

    [Fact]
    public async Task A_refused_change_saves_nothing()
    {
        var result = await _store.UpdateAsync("c3", c => CartRules.Remove(c, Guid.NewGuid(), DateTimeOffset.UtcNow), Ct);
        Assert.IsType<CartChange.LineNotFound>(result);
        Assert.Empty(_dapr.Snapshot());
    }
}
