using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using ShopDapr.Ordering.Infrastructure;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.Ordering.Workflows;
using ShopDapr.Testing;

namespace ShopDapr.Ordering.Tests;

public sealed class PlaceOrderApiTests : IAsyncLifetime
{
    private OrderingFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await OrderingFactory.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_new_order_is_202_with_its_location_submitted_and_its_workflow_started_under_the_order_id()
    {
        var response = await _app.CreateClient().PostAsJsonAsync("/internal/orders", OrderingFactory.Request(), Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var orderId = (await response.Content.ReadFromJsonAsync<PlaceOrderResponse>(Ct))!.OrderId;
        Assert.Equal($"/api/orders/{orderId}", response.Headers.Location?.ToString());
        var order = await _app.Events.LoadAsync(orderId, Ct);
        Assert.Equal((OrderStatus.Submitted, 25m, "4242"), (order!.Status, order.Total, order.CardLast4));
        await _app.Workflows.Received(1).StartAsync(
            Arg.Is<OrderSnapshot>(s => s.OrderId == orderId && s.Card == new CardOnFile(OrderingFactory.CardToken, "4242") && s.ApprovalTimeout == TimeSpan.FromMinutes(30)),
            Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_repeat_of_the_same_key_is_200_with_the_same_order_and_no_second_submission()
    {
        var client = _app.CreateClient();
        var first = await (await client.PostAsJsonAsync("/internal/orders", OrderingFactory.Request(), Ct)).Content.ReadFromJsonAsync<PlaceOrderResponse>(Ct);
        var again = await client.PostAsJsonAsync("/internal/orders", OrderingFactory.Request(), Ct);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first!.OrderId, (await again.Content.ReadFromJsonAsync<PlaceOrderResponse>(Ct))!.OrderId);
        Assert.Single((await _app.Events.ReadAsync(first.OrderId, Ct))!.Events);
        // Scheduling again is harmless (already exists = started) and finishes a first attempt that stopped early.
        await _app.Workflows.Received(2).StartAsync(Arg.Is<OrderSnapshot>(s => s.OrderId == first.OrderId), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task The_same_key_with_another_request_fingerprint_is_422_and_starts_nothing_new()
    {
        var client = _app.CreateClient();
        var first = await (await client.PostAsJsonAsync("/internal/orders", OrderingFactory.Request() with { RequestFingerprint = "fp-a" }, Ct))
            .Content.ReadFromJsonAsync<PlaceOrderResponse>(Ct);

        var reused = await client.PostAsJsonAsync("/internal/orders", OrderingFactory.Request() with { RequestFingerprint = "fp-b" }, Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Contains("another request", (await reused.ReadProblemAsync(Ct)).GetProperty("title").GetString());
        Assert.Single((await _app.Events.ReadAsync(first!.OrderId, Ct))!.Events);
        await _app.Workflows.Received(1).StartAsync(Arg.Any<OrderSnapshot>(), Arg.Any<CancellationToken>());
        var same = await client.PostAsJsonAsync("/internal/orders", OrderingFactory.Request() with { RequestFingerprint = "fp-a" }, Ct);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
    }

    [Fact]
    public async Task A_repeat_of_a_checkout_whose_order_has_finished_starts_no_second_saga()
    {
        var client = _app.CreateClient();
        var first = (await (await client.PostAsJsonAsync("/internal/orders", OrderingFactory.Request(), Ct)).Content.ReadFromJsonAsync<PlaceOrderResponse>(Ct))!;
        // The saga ended (and its workflow may be purged by the retention policy): the order's stream says so.
        var cancelled = Guid.NewGuid();
        await _app.Events.AppendAsync(first.OrderId, cancelled, v => new OrderCancelled(cancelled, first.OrderId, v, "customer-1",
            "c1@example.com", DateTimeOffset.UtcNow, "Payment declined", false), Ct);
        _app.Workflows.ClearReceivedCalls();

        var again = await client.PostAsJsonAsync("/internal/orders", OrderingFactory.Request(), Ct);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first.OrderId, (await again.Content.ReadFromJsonAsync<PlaceOrderResponse>(Ct))!.OrderId);
        await _app.Workflows.DidNotReceive().StartAsync(Arg.Any<OrderSnapshot>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task An_order_and_its_outbox_admin_and_customer_entries_are_written_in_one_transaction_which_a_concurrent_writer_makes_retry()
    {
        var lists = _app.Services.GetRequiredService<IdLists>();
        var other = Guid.NewGuid();
        var interleaved = false;
        _app.Wire.BeforeWrite = async (_, key) =>
        {
            if (interleaved || key != "orders-of-customer-1")
                return;
            interleaved = true;
            // Another checkout of the same customer lands between our read and our write.
            await lists.AppendAsync(IdLists.OfCustomer("customer-1"), other, DateTimeOffset.UtcNow.AddMinutes(-1), Ct);
        };

        var response = await _app.CreateClient().PostAsJsonAsync("/internal/orders", OrderingFactory.Request(), Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var orderId = (await response.Content.ReadFromJsonAsync<PlaceOrderResponse>(Ct))!.OrderId;
        Assert.True(interleaved);
        Assert.Equal(2, _app.Wire.Transactions); // the other checkout's append, then ours (once: the lost attempt commits nothing)
        var (listed, total) = await lists.ReadCustomerOrdersAsync("customer-1", 0, 10, Ct);
        Assert.Equal([orderId, other], listed);
        Assert.Equal(2, total);
        Assert.Equal([orderId], await lists.ReadAsync(IdLists.OutboxOf(orderId), Ct));
        Assert.Contains(orderId, (await lists.ReadAllOrdersAsync(0, 10, Ct)).Ids);
        Assert.Single((await _app.Events.ReadAsync(orderId, Ct))!.Events);
    }

    [Fact]
    public async Task The_same_key_from_another_customer_is_another_order()
    {
        var client = _app.CreateClient();
        var a = await (await client.PostAsJsonAsync("/internal/orders", OrderingFactory.Request("alice"), Ct)).Content.ReadFromJsonAsync<PlaceOrderResponse>(Ct);
        var b = await client.PostAsJsonAsync("/internal/orders", OrderingFactory.Request("bob"), Ct);
        Assert.Equal(HttpStatusCode.Accepted, b.StatusCode);
        Assert.NotEqual(a!.OrderId, (await b.Content.ReadFromJsonAsync<PlaceOrderResponse>(Ct))!.OrderId);
    }

    [Fact]
    public async Task A_failure_to_start_the_workflow_is_503_and_the_retry_finishes_the_same_order()
    {
        _app.Workflows.StartAsync(Arg.Any<OrderSnapshot>(), Arg.Any<CancellationToken>())
            .Returns(Task.FromException(new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Unavailable, "sidecar down"))), Task.CompletedTask);
        var client = _app.CreateClient();

        var failed = await client.PostAsJsonAsync("/internal/orders", OrderingFactory.Request(), Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        await failed.ReadProblemAsync(Ct);
        var retried = await client.PostAsJsonAsync("/internal/orders", OrderingFactory.Request(), Ct);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var orderId = (await retried.Content.ReadFromJsonAsync<PlaceOrderResponse>(Ct))!.OrderId;
        Assert.Single((await _app.Events.ReadAsync(orderId, Ct))!.Events);
    }

    public static TheoryData<string, string> BadOrders() => new()
    {
        { """{"idempotencyKey":"k","customerId":"c","customerEmail":"e","lines":[{"productId":"00000000-0000-0000-0000-000000000001","sku":"S","name":"N","unitPrice":1,"quantity":1}],"currency":"EUR","shippingAddress":{"name":"A","street":"S","city":"C","postalCode":"P","country":"XX"},"card":{"token":"card_0123456789abcdef0123456789abcdef","last4":"4242"}}""", "shippingAddress.country" },
        { """{"idempotencyKey":"k","customerId":"c","customerEmail":"e","lines":[],"currency":"EUR","shippingAddress":{"name":"A","street":"S","city":"C","postalCode":"P","country":"FR"},"card":{"token":"card_0123456789abcdef0123456789abcdef","last4":"4242"}}""", "lines" },
        { """{"idempotencyKey":"k","customerId":"c","customerEmail":"e","lines":[{"productId":"00000000-0000-0000-0000-000000000001","sku":"S","name":"N","unitPrice":1,"quantity":1}],"currency":"EUR","shippingAddress":{"name":"A","street":"","city":"C","postalCode":"P","country":"FR"},"card":{"token":"card_0123456789abcdef0123456789abcdef","last4":"4242"}}""", "shippingAddress.street" },
        { """{"idempotencyKey":"k","customerId":"c","customerEmail":"e","lines":[{"productId":"00000000-0000-0000-0000-000000000001","sku":"S","name":"N","unitPrice":1,"quantity":1}],"currency":"EUR","shippingAddress":{"name":"A","street":"S","city":"C","postalCode":"P","country":"FR"},"card":{"token":"4242424242424242","last4":"4242"}}""", "card.token" },
        { """{"idempotencyKey":"k","customerId":"c","customerEmail":"e","lines":[{"productId":"00000000-0000-0000-0000-000000000001","sku":"S","name":"N","unitPrice":1,"quantity":1}],"currency":"EUR","shippingAddress":{"name":"A","street":"S","city":"C","postalCode":"P","country":"FR"},"card":{"number":"4242424242424242","expiry":"12/30","cvc":"123"}}""", "card.token" },
        { """{"idempotencyKey":"k","customerId":"c","customerEmail":"e","lines":[{"productId":"00000000-0000-0000-0000-000000000001","sku":"S","name":"N","unitPrice":1,"quantity":1}],"currency":"EUR","shippingAddress":{"name":"A","street":"S","city":"C","postalCode":"P","country":"FR"},"card":{"token":"card_0123456789abcdef0123456789abcdef","last4":"42"}}""", "card.last4" },
        { """{"idempotencyKey":"k","customerId":"c","customerEmail":"e","lines":[{"productId":"00000000-0000-0000-0000-000000000001","sku":"S","name":"N","unitPrice":1,"quantity":1}],"currency":"EUR","shippingAddress":{"name":"A","street":"S","city":"C","postalCode":"P","country":"FR"}}""", "card" },
        { """{"idempotencyKey":"","customerId":"c","customerEmail":"e","lines":[{"productId":"00000000-0000-0000-0000-000000000001","sku":"S","name":"N","unitPrice":1,"quantity":1}],"currency":"EUR","shippingAddress":{"name":"A","street":"S","city":"C","postalCode":"P","country":"FR"},"card":{"token":"card_0123456789abcdef0123456789abcdef","last4":"4242"}}""", "idempotencyKey" },
    };

    [Theory]
    [MemberData(nameof(BadOrders))]
    public async Task A_malformed_order_is_400_naming_the_field_and_writes_nothing(string json, string field)
    {
        var response = await _app.CreateClient().PostAsync("/internal/orders", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadProblemAsync(Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Empty(_app.Dapr.Snapshot());
        await _app.Workflows.DidNotReceive().StartAsync(Arg.Any<OrderSnapshot>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Broken_json_is_400_not_500()
    {
        var response = await _app.CreateClient().PostAsync("/internal/orders", new StringContent("{\"lines\": [", System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await response.ReadProblemAsync(Ct);
    }

    [Fact]
    public async Task With_an_app_token_the_internal_route_refuses_calls_that_do_not_come_from_the_sidecar()
    {
        await using var guarded = await OrderingFactory.StartAsync(Ct);
        guarded.Settings["APP_API_TOKEN"] = "app-token";
        var client = guarded.CreateClient().WithoutAppToken();
        var refused = await client.PostAsJsonAsync("/internal/orders", OrderingFactory.Request(), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        client.DefaultRequestHeaders.Add("dapr-api-token", "app-token");
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/internal/orders", OrderingFactory.Request(), Ct)).StatusCode);
    }
}
