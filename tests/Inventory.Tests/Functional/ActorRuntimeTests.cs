using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ShopDapr.Contracts.Inventory;
using ShopDapr.Inventory.Actors;
using ShopDapr.Testing;

namespace ShopDapr.Inventory.Tests.Functional;

/// <summary>
/// InventoryActor run by the Dapr SDK's actor runtime, reached through its remoting proxies, over a stub actor sidecar
/// (turn lock, state, reminders). The same scenarios belong on the dev sidecar once it serves actors.
/// </summary>
public sealed class ActorRuntimeTests : IAsyncLifetime
{
    private const string Sku = "RUN-000001";
    private SidecarInventoryFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await SidecarInventoryFactory.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task StockAsync(string sku, int onHand)
    {
        var put = await _app.ClientWith(_app.Tokens.Admin()).PutAsJsonAsync($"/api/inventory/{sku}", new SetStockRequest(onHand), Ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }

    private Task<HttpResponseMessage> ReserveAsync(Guid orderId, string sku, int quantity) =>
        _app.ClientWith(null).PostAsJsonAsync(InventoryRoutes.Reservations, new ReserveStockRequest(orderId, [new StockLine(sku, quantity)]), Ct);

    private async Task<StockLevel> LevelAsync(string sku) =>
        (await _app.ClientWith(null).GetFromJsonAsync<StockLevel>($"/api/inventory/{sku}", Ct))!;

    [Fact]
    public async Task Fifty_concurrent_reservations_of_one_against_ten_in_stock_give_exactly_ten()
    {
        await StockAsync(Sku, 10);
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => ReserveAsync(Guid.NewGuid(), Sku, 1)));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(40, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(new StockLevel(Sku, 10, 10, 0), await LevelAsync(Sku));
    }

    [Fact]
    public async Task State_lives_in_the_actor_store_and_the_expiry_reminder_comes_and_goes()
    {
        await StockAsync(Sku, 10);
        var order = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.OK, (await ReserveAsync(order, Sku, 3)).StatusCode);

        var stored = JsonDocument.Parse(_app.Sidecar.State[$"InventoryActor||{Sku}||{InventoryActor.StateKey}"]).RootElement;
        Assert.Equal(10, stored.GetProperty("onHand").GetInt32());
        var reminder = _app.Sidecar.Reminders[$"InventoryActor||{Sku}||{InventoryActor.ExpiryReminder}"];
        Assert.NotNull(reminder?["dueTime"]);
        Assert.NotNull(reminder?["period"]);

        Assert.Equal(HttpStatusCode.NoContent, (await _app.ClientWith(null).PostAsync(InventoryRoutes.Confirm(order), null, Ct)).StatusCode);
        Assert.False(_app.Sidecar.Reminders.ContainsKey($"InventoryActor||{Sku}||{InventoryActor.ExpiryReminder}"));
        Assert.Equal(new StockLevel(Sku, 7, 0, 7), await LevelAsync(Sku));
    }

    [Fact]
    public async Task The_reminder_callback_releases_an_expired_reservation()
    {
        await StockAsync(Sku, 10);
        Assert.Equal(HttpStatusCode.OK, (await ReserveAsync(Guid.NewGuid(), Sku, 4)).StatusCode);

        _app.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.OK, await _app.Sidecar.FireReminderAsync("InventoryActor", Sku, InventoryActor.ExpiryReminder, Ct));

        Assert.Equal(new StockLevel(Sku, 10, 0, 10), await LevelAsync(Sku));
        Assert.False(_app.Sidecar.Reminders.ContainsKey($"InventoryActor||{Sku}||{InventoryActor.ExpiryReminder}"));
    }

    [Fact]
    public async Task A_short_line_rolls_back_through_the_proxies_and_names_the_sku()
    {
        await StockAsync("RUN-000002", 1);
        await StockAsync(Sku, 5);
        var response = await _app.ClientWith(null).PostAsJsonAsync(InventoryRoutes.Reservations,
            new ReserveStockRequest(Guid.NewGuid(), [new StockLine(Sku, 2), new StockLine("RUN-000002", 2)]), Ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("RUN-000002", (await response.ReadProblemAsync(Ct)).GetProperty("sku").GetString());
        Assert.Equal(new StockLevel(Sku, 5, 0, 5), await LevelAsync(Sku));
    }
}
