using System.Net;
using System.Text;
using Dapr.Workflow;
using NSubstitute;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Ordering.Workflows.Activities;
using ShopDapr.Ordering.Workflows.Clients;

namespace ShopDapr.Ordering.Workflows.Tests;

/// <summary>
/// Each forward step calls its service and, once the service has done it, appends the step's order event under the event
/// id the workflow drew; a refusal or a transient fault appends nothing (the workflow records the cancellation).
/// </summary>
public sealed class StepActivityTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly WorkflowActivityContext Activity = Substitute.For<WorkflowActivityContext>();

    private readonly SagaStep _step = new(new SagaContext().Order, Guid.NewGuid());
    private readonly List<(Guid OrderId, Guid EventId, IOrderEvent Event)> _appended = [];
    private readonly OrderEventRecorder _recorder;

    private OrderSnapshot O => _step.Order;

    public StepActivityTests()
    {
        var log = Substitute.For<IOrderEventLog>();
        log.AppendAsync(Arg.Any<Guid>(), Arg.Any<Guid>(), Arg.Any<Func<long, IOrderEvent>>(), Arg.Any<CancellationToken>())
            .Returns(ci =>
            {
                _appended.Add((ci.ArgAt<Guid>(0), ci.ArgAt<Guid>(1), ci.ArgAt<Func<long, IOrderEvent>>(2)(4)));
                return 4L;
            });
        _recorder = new OrderEventRecorder(log, new FixedTime());
    }


    [Fact]
    public async Task A_reservation_records_StockReserved_and_a_refused_one_nothing()
    {
        Assert.True((await new ReserveStockActivity(new InventoryClient(Answering(HttpStatusCode.OK, "{}")), _recorder).RunAsync(Activity, _step)).Succeeded);
        Assert.False((await new ReserveStockActivity(new InventoryClient(Answering(HttpStatusCode.Conflict, """{"detail":"short"}""")), _recorder).RunAsync(Activity, _step)).Succeeded);

        var (orderId, eventId, appended) = Assert.Single(_appended);
        Assert.Equal((_step.Order.OrderId, _step.EventId), (orderId, eventId));
        Assert.Equal(new StockReserved(_step.EventId, O.OrderId, 4, O.CustomerId, O.CustomerEmail, Now), appended);
    }

    [Fact]
    public async Task A_charge_records_OrderPaid_with_the_payment_and_a_declined_one_nothing()
    {
        var charged = $$"""{"orderId":"{{_step.Order.OrderId}}","paymentId":"pay-7","status":"Charged","amount":25,"currency":"EUR"}""";
        Assert.True((await new ChargePaymentActivity(new PaymentClient(Answering(HttpStatusCode.OK, charged)), _recorder).RunAsync(Activity, _step)).Succeeded);
        Assert.False((await new ChargePaymentActivity(new PaymentClient(Answering(HttpStatusCode.PaymentRequired, """{"detail":"declined"}""")), _recorder)
            .RunAsync(Activity, _step)).Succeeded);

        var (_, eventId, appended) = Assert.Single(_appended);
        Assert.Equal(_step.EventId, eventId);
        Assert.Equal(new OrderPaid(_step.EventId, O.OrderId, 4, O.CustomerId, O.CustomerEmail, Now, "pay-7", 25m, "EUR"), appended);
    }

    [Fact]
    public async Task A_shipment_records_OrderShipped_with_its_tracking_number_and_a_refused_one_nothing()
    {
        var created = $$"""{"orderId":"{{_step.Order.OrderId}}","shipmentId":"ship-3","trackingNumber":"TRK-3","status":"Created","createdAt":"2026-11-25T12:00:00Z"}""";
        Assert.True((await new CreateShipmentActivity(new ShippingClient(Answering(HttpStatusCode.Created, created)), _recorder).RunAsync(Activity, _step)).Succeeded);
        Assert.False((await new CreateShipmentActivity(new ShippingClient(Answering(HttpStatusCode.UnprocessableEntity, """{"detail":"no carrier"}""")), _recorder)
            .RunAsync(Activity, _step)).Succeeded);

        var (_, eventId, appended) = Assert.Single(_appended);
        Assert.Equal(_step.EventId, eventId);
        Assert.Equal(new OrderShipped(_step.EventId, O.OrderId, 4, O.CustomerId, O.CustomerEmail, Now, "ship-3", "TRK-3"), appended);
    }

    [Fact]
    public async Task A_confirmation_records_OrderCompleted()
    {
        Assert.True(await new ConfirmReservationActivity(new InventoryClient(Answering(HttpStatusCode.NoContent)), _recorder).RunAsync(Activity, _step));

        var (_, eventId, appended) = Assert.Single(_appended);
        Assert.Equal(_step.EventId, eventId);
        Assert.Equal(new OrderCompleted(_step.EventId, O.OrderId, 4, O.CustomerId, O.CustomerEmail, Now), appended);
    }

    [Fact]
    public async Task A_step_that_fails_transiently_throws_to_be_retried_and_records_nothing()
    {
        var down = Answering(HttpStatusCode.ServiceUnavailable, """{"detail":"restarting"}""");
        await Assert.ThrowsAsync<TransientServiceException>(() => new ReserveStockActivity(new InventoryClient(down), _recorder).RunAsync(Activity, _step));
        await Assert.ThrowsAsync<TransientServiceException>(() => new ChargePaymentActivity(new PaymentClient(down), _recorder).RunAsync(Activity, _step));
        await Assert.ThrowsAsync<TransientServiceException>(() => new CreateShipmentActivity(new ShippingClient(down), _recorder).RunAsync(Activity, _step));
        await Assert.ThrowsAsync<TransientServiceException>(() => new ConfirmReservationActivity(new InventoryClient(down), _recorder).RunAsync(Activity, _step));
        Assert.Empty(_appended);
    }

    private static HttpClient Answering(HttpStatusCode status, string? json = null) =>
        new(new Answer(status, json)) { BaseAddress = new Uri("http://app") };

    [Fact]
    public async Task A_charge_sends_payment_the_card_token_and_never_a_card_number_or_cvc()
    {
        var sent = new Recording();
        var charged = $$"""{"orderId":"{{_step.Order.OrderId}}","paymentId":"pay-7","status":"Charged","amount":25,"currency":"EUR"}""";
        sent.Reply = charged;

        await new ChargePaymentActivity(new PaymentClient(new HttpClient(sent) { BaseAddress = new Uri("http://payment") }), _recorder).RunAsync(Activity, _step);

        var body = System.Text.Json.JsonDocument.Parse(Assert.Single(sent.Bodies)).RootElement;
        Assert.Equal((SagaContext.CardToken, 25m), (body.GetProperty("cardToken").GetString(), body.GetProperty("amount").GetDecimal()));
        Assert.False(body.TryGetProperty("card", out _));
        Assert.DoesNotContain("number", sent.Bodies[0], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("cvc", sent.Bodies[0], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_workflow_input_holds_the_card_token_and_last_four_only()
    {
        // The SDK writes the input as web-default JSON into the workflow history (the state store) and the workflow API.
        var input = System.Text.Json.JsonSerializer.Serialize(_step.Order, System.Text.Json.JsonSerializerOptions.Web);

        var card = System.Text.Json.JsonDocument.Parse(input).RootElement.GetProperty("card");
        Assert.Equal(["token", "last4"], card.EnumerateObject().Select(p => p.Name));
        Assert.Equal((SagaContext.CardToken, "4242"), (card.GetProperty("token").GetString(), card.GetProperty("last4").GetString()));
        Assert.DoesNotContain("4242424242424242", input);
        Assert.Equal($"Order {_step.Order.OrderId} of customer-1", _step.Order.ToString());
    }

    private sealed class Recording : HttpMessageHandler
    {
        public List<string> Bodies { get; } = [];

        public string Reply { get; set; } = "{}";

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Bodies.Add(await request.Content!.ReadAsStringAsync(cancellationToken));
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Reply, Encoding.UTF8, "application/json") };
        }
    }

    private sealed class Answer(HttpStatusCode status, string? json) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status)
            {
                Content = json is null ? new ByteArrayContent([]) : new StringContent(json, Encoding.UTF8, "application/json"),
            });
    }

    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
