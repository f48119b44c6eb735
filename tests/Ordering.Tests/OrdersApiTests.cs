using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NSubstitute;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Ordering.Workflows;
using ShopDapr.Testing;

namespace ShopDapr.Ordering.Tests;

public sealed class OrdersApiTests : IAsyncLifetime
{
    private OrderingFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await OrderingFactory.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Customer(string id) => _app.ClientWith(_app.Tokens.Customer(id));

    private HttpClient Admin() => _app.ClientWith(_app.Tokens.Admin());

    private async Task<Guid> PlaceAsync(string customerId, string key = "k")
    {
        var response = await _app.CreateClient().PostAsJsonAsync("/internal/orders", OrderingFactory.Request(customerId, key), Ct);
        return (await response.Content.ReadFromJsonAsync<PlaceOrderResponse>(Ct))!.OrderId;
    }

    private async Task AppendAsync(Guid orderId, Func<Guid, long, IOrderEvent> make)
    {
        var eventId = Guid.NewGuid();
        await _app.Events.AppendAsync(orderId, eventId, v => make(eventId, v), Ct);
    }

    private Task PayAsync(Guid orderId, string customerId) =>
        AppendAsync(orderId, (e, v) => new OrderPaid(e, orderId, v, customerId, "e", DateTimeOffset.UtcNow, "pay-1", 25m, "EUR"));

    [Fact]
    public async Task A_customer_reads_their_order_with_the_card_masked()
    {
        var id = await PlaceAsync("alice");
        var order = await Customer("alice").GetFromJsonAsync<JsonElement>($"/api/orders/{id}", Ct);
        Assert.Equal(("Submitted", "**** **** **** 4242", 25m), (order.GetProperty("status").GetString(), order.GetProperty("card").GetString(), order.GetProperty("total").GetDecimal()));
        Assert.DoesNotContain("4242424242424242", order.GetRawText());
    }

    [Fact]
    public async Task Another_customers_order_is_404_everywhere()
    {
        var id = await PlaceAsync("alice");
        var bob = Customer("bob");
        foreach (var response in new[]
        {
            await bob.GetAsync($"/api/orders/{id}", Ct),
            await bob.GetAsync($"/api/orders/{id}/history", Ct),
            await bob.PostAsJsonAsync($"/api/orders/{id}/cancel", new { reason = "mine now" }, Ct),
        })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            await response.ReadProblemAsync(Ct);
        }
        await _app.Workflows.DidNotReceive().RaiseCancelAsync(Arg.Any<Guid>(), Arg.Any<CancelRequest>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Lists_show_a_customer_their_own_and_an_admin_all_newest_first_and_paged()
    {
        var a1 = await PlaceAsync("alice", "1");
        var b1 = await PlaceAsync("bob", "1");
        var a2 = await PlaceAsync("alice", "2");

        var alices = await Customer("alice").GetFromJsonAsync<JsonElement>("/api/orders", Ct);
        Assert.Equal([a2, a1], alices.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetGuid()));
        Assert.Equal(2, alices.GetProperty("total").GetInt64());

        var all = await Admin().GetFromJsonAsync<JsonElement>("/api/orders?page=1&pageSize=2", Ct);
        Assert.Equal([a2, b1], all.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetGuid()));
        Assert.Equal((3L, 1, 2), (all.GetProperty("total").GetInt64(), all.GetProperty("page").GetInt32(), all.GetProperty("pageSize").GetInt32()));
        var page2 = await Admin().GetFromJsonAsync<JsonElement>("/api/orders?page=2&pageSize=2", Ct);
        Assert.Equal([a1], page2.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetGuid()));
    }

    [Theory]
    [InlineData("/api/orders?page=0")]
    [InlineData("/api/orders?pageSize=1000")]
    [InlineData("/api/orders?page=abc")]
    [InlineData("/api/orders/admin/deadletters?pageSize=0")]
    public async Task Bad_paging_is_400_problem(string url)
    {
        var response = await Admin().GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await response.ReadProblemAsync(Ct);
    }

    [Fact]
    public async Task Without_a_token_it_is_401()
    {
        var response = await _app.ClientWith(null).GetAsync("/api/orders", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task History_lists_the_events_in_order_with_their_types()
    {
        var id = await PlaceAsync("alice");
        await AppendAsync(id, (e, v) => new StockReserved(e, id, v, "alice", "e", DateTimeOffset.UtcNow));
        var history = await Customer("alice").GetFromJsonAsync<JsonElement>($"/api/orders/{id}/history", Ct);
        Assert.Equal([(1L, "OrderSubmitted"), (2L, "StockReserved")],
            history.EnumerateArray().Select(h => (h.GetProperty("version").GetInt64(), h.GetProperty("type").GetString()!)));
        Assert.Equal("4242", history[0].GetProperty("event").GetProperty("cardLast4").GetString());
    }

    [Fact]
    public async Task A_customer_cancels_an_unpaid_order_by_raising_the_event_to_its_workflow()
    {
        var id = await PlaceAsync("alice");
        var response = await Customer("alice").PostAsJsonAsync($"/api/orders/{id}/cancel", new { reason = "changed my mind" }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _app.Workflows.Received(1).RaiseCancelAsync(id, new CancelRequest("alice", "changed my mind"), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_paid_order_cannot_be_cancelled_409()
    {
        var id = await PlaceAsync("alice");
        await PayAsync(id, "alice");
        var response = await Customer("alice").PostAsync($"/api/orders/{id}/cancel", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        await response.ReadProblemAsync(Ct);
        await _app.Workflows.DidNotReceive().RaiseCancelAsync(Arg.Any<Guid>(), Arg.Any<CancelRequest>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task An_admin_decides_a_held_order()
    {
        var id = await PlaceAsync("alice");
        await AppendAsync(id, (e, v) => new OrderAwaitingApproval(e, id, v, "alice", "e", DateTimeOffset.UtcNow, 0.9, ["large"]));
        var response = await Admin().PostAsJsonAsync($"/api/orders/{id}/approval", new { approved = false, reason = "stolen card" }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _app.Workflows.Received(1).RaiseApprovalAsync(id, new ApprovalDecision(false, "stolen card"), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Approval_is_admin_only_needs_a_decision_and_a_held_order()
    {
        var id = await PlaceAsync("alice");
        var customer = await Customer("alice").PostAsJsonAsync($"/api/orders/{id}/approval", new { approved = true }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, customer.StatusCode);

        var missing = await Admin().PostAsJsonAsync($"/api/orders/{id}/approval", new { reason = "?" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        await missing.ReadProblemAsync(Ct);

        var notHeld = await Admin().PostAsJsonAsync($"/api/orders/{id}/approval", new { approved = true }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, notHeld.StatusCode);
        await notHeld.ReadProblemAsync(Ct);

        var unknown = await Admin().PostAsJsonAsync($"/api/orders/{Guid.NewGuid()}/approval", new { approved = true }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        await _app.Workflows.DidNotReceive().RaiseApprovalAsync(Arg.Any<Guid>(), Arg.Any<ApprovalDecision>(), Arg.Any<CancellationToken>());
    }
}
