using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ShopDapr.Contracts.Inventory;
using ShopDapr.Inventory.Actors;
using ShopDapr.Testing;

namespace ShopDapr.Inventory.Tests.Reservations;

/// <summary>POST /internal/inventory/reservations (all lines or none, idempotent per order), confirm and release.</summary>
public sealed class ReservationEndpointTests : IAsyncLifetime
{
    private InventoryFactory _app = null!;
    private HttpClient _client = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = await InventoryFactory.StartAsync(Ct);
        _client = _app.SidecarClient();
        await _app.Actors.StockAsync("AAA-000001", 10);
        await _app.Actors.StockAsync("BBB-000002", 2);
        await _app.Actors.StockAsync("CCC-000003", 10);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private Task<HttpResponseMessage> ReserveAsync(Guid orderId, params (string Sku, int Quantity)[] lines) =>
        _client.PostAsJsonAsync(InventoryRoutes.Reservations,
            new ReserveStockRequest(orderId, [.. lines.Select(l => new StockLine(l.Sku, l.Quantity))]), Ct);

    private async Task<(int OnHand, int Reserved)> LevelAsync(string sku) =>
        await _app.Actors.LevelAsync(sku) is var l ? (l.OnHand, l.Reserved) : default;

    [Fact]
    public async Task Every_line_is_reserved_and_the_levels_come_back()
    {
        var response = await ReserveAsync(Guid.NewGuid(), ("CCC-000003", 1), ("AAA-000001", 3));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var levels = await response.Content.ReadFromJsonAsync<List<StockLevel>>(Ct);
        Assert.Equal([new StockLevel("AAA-000001", 10, 3, 7), new StockLevel("CCC-000003", 10, 1, 9)], levels);
    }

    [Fact]
    public async Task A_short_line_releases_the_lines_already_reserved_and_names_the_sku()
    {
        var order = Guid.NewGuid();
        var response = await ReserveAsync(order, ("AAA-000001", 3), ("BBB-000002", 5), ("CCC-000003", 1));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.ReadProblemAsync(Ct);
        Assert.Equal("BBB-000002", problem.GetProperty("sku").GetString());
        Assert.Equal(5, problem.GetProperty("requested").GetInt32());
        Assert.Equal(2, problem.GetProperty("available").GetInt32());
        Assert.Equal((10, 0), await LevelAsync("AAA-000001"));
        Assert.Equal((2, 0), await LevelAsync("BBB-000002"));
        Assert.Equal((10, 0), await LevelAsync("CCC-000003"));
        Assert.Equal(["AAA-000001:ReserveAsync", "BBB-000002:ReserveAsync", "AAA-000001:ReleaseAsync"],
            _app.Actors.Calls.Where(c => c.Method != nameof(IInventoryActor.GetLevelAsync) && c.Method != nameof(IInventoryActor.SetOnHandAsync))
                .Select(c => $"{c.Sku}:{c.Method}"));
    }

    [Fact]
    public async Task A_repeat_of_a_reservation_is_a_no_op_200()
    {
        var order = Guid.NewGuid();
        var first = await ReserveAsync(order, ("AAA-000001", 3), ("BBB-000002", 2));
        var again = await ReserveAsync(order, ("AAA-000001", 3), ("BBB-000002", 2));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await again.Content.ReadAsStringAsync(Ct));
        Assert.Equal((10, 3), await LevelAsync("AAA-000001"));
        Assert.Equal((2, 2), await LevelAsync("BBB-000002"));
    }

    [Fact]
    public async Task A_repeat_of_a_refused_reservation_is_refused_alike_even_after_a_restock()
    {
        var order = Guid.NewGuid();
        var first = await ReserveAsync(order, ("AAA-000001", 3), ("BBB-000002", 5));
        await _app.Actors.StockAsync("BBB-000002", 100);
        var again = await ReserveAsync(order, ("AAA-000001", 3), ("BBB-000002", 5));

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal((await first.ReadProblemAsync(Ct)).GetProperty("sku").GetString(), (await again.ReadProblemAsync(Ct)).GetProperty("sku").GetString());
        Assert.Equal((10, 0), await LevelAsync("AAA-000001"));
        Assert.Equal((100, 0), await LevelAsync("BBB-000002"));
    }

    [Fact]
    public async Task Other_lines_for_an_order_that_already_asked_are_a_409()
    {
        var order = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.OK, (await ReserveAsync(order, ("AAA-000001", 3))).StatusCode);
        var other = await ReserveAsync(order, ("AAA-000001", 4));
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        await other.ReadProblemAsync(Ct);
        Assert.Equal((10, 3), await LevelAsync("AAA-000001"));
    }

    [Fact]
    public async Task Repeated_skus_are_one_line_and_lower_case_skus_are_the_same_sku()
    {
        var response = await ReserveAsync(Guid.NewGuid(), ("AAA-000001", 2), ("aaa-000001", 3));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((10, 5), await LevelAsync("AAA-000001"));
    }

    [Fact]
    public async Task Confirm_takes_every_line_off_hand_once()
    {
        var order = Guid.NewGuid();
        await ReserveAsync(order, ("AAA-000001", 3), ("CCC-000003", 4));
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.NoContent, (await _client.PostAsync(InventoryRoutes.Confirm(order), null, Ct)).StatusCode);
        Assert.Equal((7, 0), await LevelAsync("AAA-000001"));
        Assert.Equal((6, 0), await LevelAsync("CCC-000003"));
        Assert.Equal(HttpStatusCode.NoContent, (await _client.PostAsync(InventoryRoutes.Release(order), null, Ct)).StatusCode);
        Assert.Equal((7, 0), await LevelAsync("AAA-000001"));
    }

    [Fact]
    public async Task Release_gives_every_line_back_once()
    {
        var order = Guid.NewGuid();
        await ReserveAsync(order, ("AAA-000001", 3), ("CCC-000003", 4));
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.NoContent, (await _client.PostAsync(InventoryRoutes.Release(order), null, Ct)).StatusCode);
        Assert.Equal((10, 0), await LevelAsync("AAA-000001"));
        Assert.Equal(HttpStatusCode.NoContent, (await _client.PostAsync(InventoryRoutes.Confirm(order), null, Ct)).StatusCode);
        Assert.Equal((10, 0), await LevelAsync("CCC-000003"));
        var again = await ReserveAsync(order, ("AAA-000001", 3), ("CCC-000003", 4));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var problem = await again.ReadProblemAsync(Ct);
        Assert.Equal("The order's reservation was released", problem.GetProperty("title").GetString());
        Assert.Equal("AAA-000001", problem.GetProperty("sku").GetString());
        Assert.Equal((10, 0), await LevelAsync("AAA-000001"));
    }

    [Fact]
    public async Task Confirm_and_release_of_an_unknown_order_are_204_and_touch_no_actor()
    {
        var calls = _app.Actors.Calls.Count;
        Assert.Equal(HttpStatusCode.NoContent, (await _client.PostAsync(InventoryRoutes.Confirm(Guid.NewGuid()), null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.PostAsync(InventoryRoutes.Release(Guid.NewGuid()), null, Ct)).StatusCode);
        Assert.Equal(calls, _app.Actors.Calls.Count);
    }

    [Fact]
    public async Task An_unreachable_actor_is_a_503_and_a_retry_completes_without_holding_twice()
    {
        var order = Guid.NewGuid();
        _app.Actors.Unreachable["CCC-000003"] = true;
        var failed = await ReserveAsync(order, ("AAA-000001", 3), ("CCC-000003", 4));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        await failed.ReadProblemAsync(Ct);

        _app.Actors.Unreachable.Clear();
        Assert.Equal(HttpStatusCode.OK, (await ReserveAsync(order, ("AAA-000001", 3), ("CCC-000003", 4))).StatusCode);
        Assert.Equal((10, 3), await LevelAsync("AAA-000001"));
        Assert.Equal((10, 4), await LevelAsync("CCC-000003"));
    }

    [Fact]
    public async Task Fifty_concurrent_orders_of_one_against_ten_in_stock_get_exactly_ten()
    {
        await _app.Actors.StockAsync("DDD-000004", 10);
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => ReserveAsync(Guid.NewGuid(), ("DDD-000004", 1))));
        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(40, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal((10, 10), await LevelAsync("DDD-000004"));
    }

    [Fact]
    public async Task The_order_lines_are_recorded_before_any_sku_is_reserved()
    {
        var order = Guid.NewGuid();
        _app.Actors.Unreachable["AAA-000001"] = true;
        await ReserveAsync(order, ("AAA-000001", 3));
        var record = _app.Dapr.Read<JsonElement>($"reservation-{order:N}");
        Assert.Equal("AAA-000001", record.GetProperty("lines")[0].GetProperty("sku").GetString());
        // Kept a week (ttlInSeconds 604800), as the store applied it.
        var expires = _app.Dapr.ExpiresAt($"reservation-{order:N}");
        Assert.NotNull(expires);
        Assert.InRange(expires.Value, DateTimeOffset.UtcNow.AddSeconds(604800 - 120), DateTimeOffset.UtcNow.AddSeconds(604800));
    }
}
