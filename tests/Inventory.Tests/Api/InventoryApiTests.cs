using System.Net;
using System.Net.Http.Json;
using ShopDapr.Contracts.Inventory;
using ShopDapr.Inventory.Infrastructure;
using ShopDapr.Testing;

namespace ShopDapr.Inventory.Tests.Api;

/// <summary>GET/PUT /api/inventory/{sku}: anyone reads, an admin sets; the host's own routes still answer.</summary>
public sealed class InventoryApiTests : IAsyncLifetime
{
    private InventoryFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await InventoryFactory.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_unstocked_sku_reads_as_zero_to_anyone()
    {
        var level = await _app.ClientWith(null).GetFromJsonAsync<StockLevel>("/api/inventory/NEW-000001", Ct);
        Assert.Equal(new StockLevel("NEW-000001", 0, 0, 0), level);
    }

    [Fact]
    public async Task An_admin_sets_the_stock_and_everyone_reads_it_back_under_the_canonical_sku()
    {
        var put = await _app.ClientWith(_app.Tokens.Admin()).PutAsJsonAsync("/api/inventory/abc-000001", new SetStockRequest(25), Ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(new StockLevel("ABC-000001", 25, 0, 25), await put.Content.ReadFromJsonAsync<StockLevel>(Ct));
        Assert.Equal(new StockLevel("ABC-000001", 25, 0, 25),
            await _app.ClientWith(_app.Tokens.Customer()).GetFromJsonAsync<StockLevel>("/api/inventory/ABC-000001", Ct));
    }

    [Fact]
    public async Task Setting_stock_of_a_sku_the_catalog_does_not_have_is_404_and_creates_nothing()
    {
        _app.Catalog.Exists = sku => sku != "NOPE-000001";

        var put = await _app.ClientWith(_app.Tokens.Admin()).PutAsJsonAsync("/api/inventory/nope-000001", new SetStockRequest(25), Ct);

        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        Assert.Equal("NOPE-000001", (await put.ReadProblemAsync(Ct)).GetProperty("sku").GetString());
        Assert.Equal(["NOPE-000001"], _app.Catalog.Asked);
        Assert.Equal(0, (await _app.Actors.LevelAsync("NOPE-000001")).OnHand);
    }

    [Fact]
    public async Task A_catalog_that_cannot_say_is_a_503_problem_and_sets_nothing()
    {
        _app.Catalog.Exists = _ => throw new CatalogUnavailableException("catalog down", null);

        var put = await _app.ClientWith(_app.Tokens.Admin()).PutAsJsonAsync("/api/inventory/ABC-000001", new SetStockRequest(25), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, put.StatusCode);
        await put.ReadProblemAsync(Ct);
        Assert.Equal(0, (await _app.Actors.LevelAsync("ABC-000001")).OnHand);
    }

    [Theory]
    [InlineData("""{"onHand":"2"}""")]
    [InlineData("""{"onHand":"25"}""")]
    public async Task A_quantity_sent_as_a_string_is_400_and_sets_nothing(string json)
    {
        var put = await _app.ClientWith(_app.Tokens.Admin()).PutAsync("/api/inventory/ABC-000001",
            new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        await put.ReadProblemAsync(Ct);
        Assert.Equal(0, (await _app.Actors.LevelAsync("ABC-000001")).OnHand);
    }

    [Fact]
    public async Task Setting_stock_below_what_is_reserved_is_a_409_naming_the_sku()
    {
        await _app.Actors.StockAsync("ABC-000001", 10);
        var reserve = await _app.SidecarClient().PostAsJsonAsync(InventoryRoutes.Reservations,
            new ReserveStockRequest(Guid.NewGuid(), [new StockLine("ABC-000001", 6)]), Ct);
        Assert.Equal(HttpStatusCode.OK, reserve.StatusCode);

        var put = await _app.ClientWith(_app.Tokens.Admin()).PutAsJsonAsync("/api/inventory/ABC-000001", new SetStockRequest(5), Ct);
        Assert.Equal(HttpStatusCode.Conflict, put.StatusCode);
        var problem = await put.ReadProblemAsync(Ct);
        Assert.Equal("ABC-000001", problem.GetProperty("sku").GetString());
        Assert.Equal(6, problem.GetProperty("reserved").GetInt32());
        Assert.Equal((10, 6), await _app.Actors.LevelAsync("ABC-000001") is var l ? (l.OnHand, l.Reserved) : default);
    }

    [Fact]
    public async Task Health_the_actor_config_and_openapi_answer()
    {
        var client = _app.ClientWith(null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive", Ct)).StatusCode);
        var config = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/dapr/config", Ct);
        Assert.Equal("InventoryActor", Assert.Single(config.GetProperty("entities").EnumerateArray()).GetString());
        var openApi = await client.GetStringAsync("/openapi/v1.json", Ct);
        Assert.Contains("/api/inventory/{sku}", openApi);
    }

    [Fact]
    public async Task A_failing_sidecar_is_a_503_problem()
    {
        _app.Actors.Unreachable["ABC-000001"] = true;
        var response = await _app.ClientWith(null).GetAsync("/api/inventory/ABC-000001", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        await response.ReadProblemAsync(Ct);
    }
}
