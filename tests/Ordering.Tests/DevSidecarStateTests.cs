using Dapr.Client;
using Microsoft.Extensions.Logging.Abstractions;
using ShopDapr.Contracts.Ordering;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.Ordering.Infrastructure;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Ordering.Tests;

/// <summary>
/// The event store and the idempotency keys over a real state API: the in-process dev sidecar (state.in-memory) driven by
/// the official DaprClient, so ETags and first-write behave as daprd's do, not as a fake's. The sidecar has no pub/sub
/// component here, so every publish fails and the events must wait in the outbox.
/// </summary>
public sealed class DevSidecarStateTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _resources = Directory.CreateTempSubdirectory("ordering-sidecar-").FullName;
    private Sidecar _sidecar = null!;
    private DaprClient _dapr = null!;
    private OrderEventStore _events = null!;
    private IdLists _lists = null!;

    public async ValueTask InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_resources, "statestore.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.in-memory
              version: v1
            """, Ct);
        _sidecar = await Sidecar.StartAsync(new SidecarOptions { AppId = "ordering", ResourcesPaths = [_resources] });
        _dapr = new DaprClientBuilder().UseGrpcEndpoint(_sidecar.GrpcEndpoint.ToString()).UseHttpEndpoint(_sidecar.HttpEndpoint.ToString()).Build();
        _lists = new IdLists(_dapr);
        _events = new OrderEventStore(_dapr, _lists, new OrderEventPublisher(_dapr, NullLogger<OrderEventPublisher>.Instance),
            new OrderMetrics(OrderMetricsTests.NewMeterFactory()), NullLogger<OrderEventStore>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        _dapr.Dispose();
        await _sidecar.DisposeAsync();
        Directory.Delete(_resources, recursive: true);
    }

    private static OrderSubmitted Submitted(Guid id, long version) => new(id, id, version, "c1", "c1@example.com", DateTimeOffset.UtcNow,
        [new OrderLine(Guid.NewGuid(), "SKU-1", "Hammer", 1m, 1)], 1m, "EUR", new Address("A", "S", "C", "P", "FR"), "4242");

    [Fact]
    public async Task Concurrent_appends_to_one_order_all_land_with_distinct_versions_and_a_repeat_lands_once()
    {
        var id = Guid.NewGuid();
        await _events.AppendAsync(id, id, v => Submitted(id, v), Ct);
        var ids = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid()).ToList();
        await Task.WhenAll(ids.Select(e => Task.Run(() =>
            _events.AppendAsync(id, e, v => new StockReserved(e, id, v, "c1", "e", DateTimeOffset.UtcNow), Ct), Ct)));
        await _events.AppendAsync(id, ids[0], v => new StockReserved(ids[0], id, v, "c1", "e", DateTimeOffset.UtcNow), Ct);

        var stream = (await _events.ReadAsync(id, Ct))!;
        Assert.Equal(Enumerable.Range(1, 9).Select(v => (long)v), stream.Events.Select(e => e.Version));
        Assert.Equal(ids.ToHashSet(), stream.Events.Skip(1).Select(e => e.EventId).ToHashSet());
        // No pub/sub component: nothing was published, and the order waits on the outbox worklist for the relay.
        Assert.All(stream.Events, e => Assert.False(e.Published));
        Assert.Equal([id], await _lists.ReadAsync(IdLists.OutboxOf(id), Ct));
    }

    [Fact]
    public async Task An_idempotency_key_is_claimed_once_even_by_racing_requests()
    {
        var keys = new IdempotencyKeys(_dapr);
        var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => keys.ClaimAsync("c1", "key-1", Guid.NewGuid(), "fp-1", Ct), Ct)));

        Assert.Single(claims, c => c.Claimed);
        Assert.Single(claims.Select(c => c.OrderId).Distinct());
        Assert.DoesNotContain(claims, c => c.OtherRequest);
        var other = await keys.ClaimAsync("c2", "key-1", Guid.NewGuid(), "fp-2", Ct);
        Assert.True(other.Claimed);
        var reused = await keys.ClaimAsync("c1", "key-1", Guid.NewGuid(), "fp-other", Ct);
        Assert.Equal((claims[0].OrderId, false, true), (reused.OrderId, reused.Claimed, reused.OtherRequest));
    }

    [Fact]
    public async Task The_admin_index_spreads_orders_over_buckets_and_lists_every_one_newest_first()
    {
        var start = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var placed = Enumerable.Range(0, 64).Select(i => (Id: Guid.NewGuid(), At: start.AddSeconds(i))).ToList();
        await Task.WhenAll(placed.Select(o => Task.Run(() => _lists.AppendAsync(IdLists.AllOrdersOf(o.Id), o.Id, o.At, Ct), Ct)));
        await _lists.AppendAsync(IdLists.AllOrdersOf(placed[0].Id), placed[0].Id, start.AddDays(1), Ct); // a repeat changes nothing

        var (all, total) = await _lists.ReadAllOrdersAsync(0, 100, Ct);
        Assert.Equal(placed.Select(o => o.Id).Reverse(), all);
        Assert.Equal(64, total);
        Assert.Equal(placed.Select(o => o.Id).Reverse().Skip(20).Take(20), (await _lists.ReadAllOrdersAsync(20, 20, Ct)).Ids);
        Assert.True(placed.Select(o => IdLists.AllOrdersOf(o.Id)).Distinct().Count() > 1);
    }

    [Fact]
    public async Task Many_concurrent_appends_to_one_customers_index_all_land()
    {
        // 40 writers of one index at once, as 40 concurrent checkouts of one customer are: each loses races, backs off and
        // tries again; none may run out of attempts (StateConflictException) or lose another's order.
        var ids = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToList();
        var key = IdLists.OfCustomer("busy-customer");
        await Task.WhenAll(ids.Select(id => Task.Run(() => _lists.AppendAsync(key, id, DateTimeOffset.UtcNow, Ct), Ct)));

        var (listed, total) = await _lists.ReadCustomerOrdersAsync("busy-customer", 0, 100, Ct);
        Assert.Equal(ids.ToHashSet(), listed.ToHashSet());
        Assert.Equal(40, total);
    }

    [Fact]
    public async Task A_customers_index_rewrites_a_bounded_head_however_many_orders_they_placed_and_pages_back_through_the_rest()
    {
        var start = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var placed = new List<Guid>();
        for (var i = 0; i < 2 * OrderIndex.PageSize + 50; i++)
        {
            var id = Guid.NewGuid();
            var at = start.AddSeconds(i);
            await _events.SubmitAsync(id, "loyal", at, v => new OrderSubmitted(id, id, v, "loyal", "l@example.com", at,
                [new OrderLine(Guid.NewGuid(), "SKU-1", "Hammer", 1m, 1)], 1m, "EUR", new Address("A", "S", "C", "P", "FR"), "4242"), Ct);
            placed.Add(id);
        }

        var head = await _dapr.GetStateAsync<OrderIndexPage>(ShopNames.Components.StateStore, IdLists.OfCustomer("loyal"), cancellationToken: Ct);
        Assert.Equal((50, 2, 200L), (head.Entries.Count, head.FrozenPages, head.FrozenCount));
        var buckets = await Task.WhenAll(IdLists.AllOrdersKeys.Select(k =>
            _dapr.GetStateAsync<OrderIndexPage?>(ShopNames.Components.StateStore, k, cancellationToken: Ct)));
        Assert.All(buckets, b => Assert.InRange(b?.Entries.Count ?? 0, 0, OrderIndex.PageSize));
        Assert.Equal(placed.Count, buckets.Sum(b => b?.Total ?? 0));
        var newest = Enumerable.Reverse(placed).ToList();
        var (first, total) = await _lists.ReadCustomerOrdersAsync("loyal", 0, 20, Ct);
        Assert.Equal(newest.Take(20), first);
        Assert.Equal(250, total);
        Assert.Equal(newest.Skip(190).Take(30), (await _lists.ReadCustomerOrdersAsync("loyal", 190, 30, Ct)).Ids);
        Assert.Equal(newest.Skip(240), (await _lists.ReadCustomerOrdersAsync("loyal", 240, 100, Ct)).Ids);
        Assert.Equal(newest.Skip(100).Take(100), (await _lists.ReadAllOrdersAsync(100, 100, Ct)).Ids);
    }

    [Fact]
    public void Orders_are_spread_over_the_outbox_buckets_each_always_in_the_same_one()
    {
        var ids = Enumerable.Range(0, 256).Select(_ => Guid.NewGuid()).ToList();
        var keys = ids.Select(IdLists.OutboxOf).ToList();
        Assert.Equal(keys, ids.Select(IdLists.OutboxOf));
        Assert.All(keys, k => Assert.Contains(k, IdLists.OutboxKeys));
        Assert.True(keys.Distinct().Count() > IdLists.OutboxBuckets / 2, "256 orders use more than half of the buckets");
    }

    [Fact]
    public void The_backoff_after_a_lost_race_is_random_bounded_and_grows_with_the_attempt()
    {
        var first = Enumerable.Range(0, 200).Select(_ => StateContention.Backoff(0)).ToList();
        var late = Enumerable.Range(0, 200).Select(_ => StateContention.Backoff(19)).ToList();
        Assert.All(first, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromMilliseconds(5)));
        Assert.All(late, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromMilliseconds(320)));
        Assert.True(late.Distinct().Count() > 10, "the delay is jittered, not fixed");
        Assert.True(late.Average(d => d.TotalMilliseconds) > 4 * first.Average(d => d.TotalMilliseconds), "later attempts wait longer");
    }
}
