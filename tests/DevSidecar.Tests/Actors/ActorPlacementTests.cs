namespace ShopDapr.DevSidecar.Tests.Actors;

public sealed class ActorPlacementTests
{
    private static readonly string[] Ids = Enumerable.Range(0, 40).Select(i => $"cart-{i}").ToArray();

    [Fact]
    public async Task Ids_spread_over_two_replicas_and_each_id_always_reaches_the_same_one()
    {
        await using var cluster = new ActorCluster();
        await cluster.StartHostAsync("counter-app", "r1");
        await cluster.StartHostAsync("counter-app", "r2");
        var caller = await cluster.StartCallerAsync();

        var first = await WhereAsync(caller);
        var again = await WhereAsync(caller);

        Assert.Equal(first, again);
        Assert.Equal(["r1", "r2"], first.Values.Distinct().Order());
        Assert.All(first.Values.GroupBy(r => r), g => Assert.InRange(g.Count(), 8, 32));
    }

    [Fact]
    public async Task Every_sidecar_routes_an_id_to_the_same_replica()
    {
        await using var cluster = new ActorCluster();
        var (r1, _) = await cluster.StartHostAsync("counter-app", "r1");
        var (r2, _) = await cluster.StartHostAsync("counter-app", "r2");
        var caller = await cluster.StartCallerAsync();

        var fromCaller = await WhereAsync(caller);

        Assert.Equal(fromCaller, await WhereAsync(r1));
        Assert.Equal(fromCaller, await WhereAsync(r2));
    }

    [Fact]
    public async Task When_a_replica_stops_only_its_actors_move()
    {
        await using var cluster = new ActorCluster();
        var (s1, a1) = await cluster.StartHostAsync("counter-app", "r1");
        await cluster.StartHostAsync("counter-app", "r2");
        var caller = await cluster.StartCallerAsync();
        var before = await WhereAsync(caller);

        await cluster.StopAsync(s1, a1);
        var after = await WhereAsync(caller);

        Assert.All(after.Values, r => Assert.Equal("r2", r));
        Assert.All(before.Where(b => b.Value == "r2"), b => Assert.Equal("r2", after[b.Key]));
    }

    [Fact]
    public async Task When_a_replicas_app_dies_its_actors_move_to_the_other_while_its_sidecar_runs_on()
    {
        await using var cluster = new ActorCluster();
        var (s1, a1) = await cluster.StartHostAsync("counter-app", "r1");
        await cluster.StartHostAsync("counter-app", "r2");
        var caller = await cluster.StartCallerAsync();
        var before = await WhereAsync(caller);
        Assert.Contains("r1", before.Values);

        await cluster.KillAppAsync(a1);
        var after = await WhereAsync(caller);

        Assert.All(after.Values, r => Assert.Equal("r2", r));
        Assert.All(before.Where(b => b.Value == "r2"), b => Assert.Equal("r2", after[b.Key]));
        Assert.True(s1.Context.App!.Health.IsDown);
        Assert.Equal(2, cluster.Cluster.Replicas("counter-app").Length);
    }

    [Fact]
    public async Task When_a_replica_joins_the_actors_that_move_to_it_are_deactivated_on_the_old_one()
    {
        await using var cluster = new ActorCluster();
        var (_, a1) = await cluster.StartHostAsync("counter-app", "r1");
        var caller = await cluster.StartCallerAsync();
        Assert.All((await WhereAsync(caller)).Values, r => Assert.Equal("r1", r));

        await cluster.StartHostAsync("counter-app", "r2");
        var after = await WhereAsync(caller);
        var moved = after.Where(a => a.Value == "r2").Select(a => a.Key).Order().ToList();

        Assert.InRange(moved.Count, 8, 32);
        await Eventually.TrueAsync(() => a1.Probe.Deactivations.Count >= moved.Count, TimeSpan.FromSeconds(10), "the moved actors deactivated on r1");
        Assert.Equal(moved, a1.Probe.Deactivations.Select(d => d.ActorId).Order());
    }

    private static async Task<Dictionary<string, string>> WhereAsync(ShopDapr.DevSidecar.Hosting.Sidecar via)
    {
        var answers = await Task.WhenAll(Ids.Select(id => ActorCluster.Proxy<ICounterActor>(via, nameof(CounterActor), id).WhereAmI()));
        return Ids.Zip(answers).ToDictionary(p => p.First, p => p.Second);
    }
}
