using Microsoft.Extensions.Logging.Abstractions;
using ShopDapr.Cart.Domain;
using ShopDapr.Cart.Infrastructure;
using ShopDapr.Contracts.Catalog;
using ShopDapr.Testing;

namespace ShopDapr.Cart.Tests;

public sealed class CartStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_concurrent_change_is_not_lost_the_loser_retries_on_fresh_state()
    {
        var dapr = new FakeDapr().UseState<ShoppingCart>().UseState<ShoppingCart?>();
        var store = new CartStore(dapr.Client, NullLogger<CartStore>.Instance);
        var first = new ProductSummary(Guid.NewGuid(), "A", "A", 1m, 1);
        var second = new ProductSummary(Guid.NewGuid(), "B", "B", 2m, 1);
        await store.UpdateAsync("c1", c => CartRules.Add(c, first, 1, DateTimeOffset.UtcNow), Ct);

        // Another replica saves between our read and our write, once.
        var interleaved = false;
        dapr.BeforeWrite = _ =>
        {
            if (interleaved)
                return;
            interleaved = true;
            var other = new CartStore(dapr.Client, NullLogger<CartStore>.Instance);
            other.UpdateAsync("c1", c => CartRules.Add(c, first, 5, DateTimeOffset.UtcNow), Ct).GetAwaiter().GetResult();
        };
        await store.UpdateAsync("c1", c => CartRules.Add(c, second, 2, DateTimeOffset.UtcNow), Ct);

        var cart = await store.GetAsync("c1", Ct);
        Assert.True(interleaved);
        Assert.Equal(6, cart.Lines.Single(l => l.ProductId == first.Id).Quantity);
        Assert.Equal(2, cart.Lines.Single(l => l.ProductId == second.Id).Quantity);
    }

    [Fact]
    public async Task Two_new_carts_for_one_customer_do_not_overwrite_each_other()
    {
        var dapr = new FakeDapr().UseState<ShoppingCart>().UseState<ShoppingCart?>();
        var store = new CartStore(dapr.Client, NullLogger<CartStore>.Instance);
        var products = Enumerable.Range(0, 6).Select(i => new ProductSummary(Guid.NewGuid(), $"S{i}", $"P{i}", 1m, 1)).ToList();
        await Task.WhenAll(products.Select(p => Task.Run(() => store.UpdateAsync("c2", c => CartRules.Add(c, p, 1, DateTimeOffset.UtcNow), Ct), Ct)));
        Assert.Equal(6, (await store.GetAsync("c2", Ct)).Lines.Count);
    }

    [Fact]
    public async Task A_refused_change_saves_nothing()
    {
        var dapr = new FakeDapr().UseState<ShoppingCart>().UseState<ShoppingCart?>();
        var store = new CartStore(dapr.Client, NullLogger<CartStore>.Instance);
        var result = await store.UpdateAsync("c3", c => CartRules.Remove(c, Guid.NewGuid(), DateTimeOffset.UtcNow), Ct);
        Assert.IsType<CartChange.LineNotFound>(result);
        Assert.Empty(dapr.State);
    }
}
