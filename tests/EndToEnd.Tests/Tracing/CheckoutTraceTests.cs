using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace ShopDapr.EndToEnd.Tests.Tracing;

/// <summary>A shop of its own whose apps export traces and metrics by OTLP to a receiver in the test process.</summary>
public sealed class TracedShopFixture : ShopFixture
{
    public OtlpReceiver Receiver { get; } = OtlpReceiver.Start();

    protected override string LogFileName => "shop-e2e-traced.log";

    protected override IReadOnlyDictionary<string, string> RunEnvironment => new Dictionary<string, string>(Environment, StringComparer.Ordinal)
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Receiver.Endpoint.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_LOGS_EXPORTER"] = "none",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

/// <summary>
/// One checkout is one W3C trace: the client's <c>traceparent</c> is continued by the gateway, through the sidecars'
/// service invocation to cart and ordering, into the order's workflow (each activity a span of the Dapr.Workflow SDK),
/// from the activities to inventory, payment and shipping, and through the order's events to their subscribers. What
/// the apps exported arrives by OTLP, as a collector would receive it.
/// </summary>
public sealed class CheckoutTraceTests(TracedShopFixture shop) : IClassFixture<TracedShopFixture>
{
    private const int Server = 2;
    private const int Consumer = 5;
    private static readonly string[] Apps = ["gateway", "cart", "ordering", "inventory", "payment", "shipping", "notifications"];
    // The activities of a checkout that completes (the compensations and RecordOrderEventActivity run on other paths).
    private static readonly string[] SagaActivities =
        ["ScoreFraudActivity", "ReserveStockActivity", "ChargePaymentActivity", "CreateShipmentActivity", "ConfirmReservationActivity"];

    private readonly SagaClient _api = new(shop);

    [Fact]
    public async Task A_checkout_is_one_trace_through_gateway_cart_ordering_each_saga_activity_inventory_payment_shipping_and_the_subscribers()
    {
        var ct = TestContext.Current.CancellationToken;
        var (customer, orderId) = await PlaceAsync(out var trace, out var clientSpan, ct);
        var order = await _api.AwaitTerminalAsync(customer, orderId, TimeSpan.FromMinutes(2), ct);
        Assert.Equal("Completed", order.Status);

        var spans = await WaitForAsync(trace, s => Missing(s).Count == 0, ct);

        Assert.True(Missing(spans).Count == 0, $"missing from trace {trace}: {string.Join(", ", Missing(spans))}\nreceived: {Describe(spans)}");
        var entry = spans.Where(s => s.Service == "gateway" && s.Kind == Server).ToList();
        Assert.True(entry.Count > 0 && entry.Any(s => s.ParentSpanId == clientSpan), $"the gateway's server span continues the client's span {clientSpan}: {Describe(entry)}");
        Assert.All(SagaActivities, a => Assert.Contains(spans, s => s.Service == "ordering" && s.Scope == "Dapr.Workflow" && s.Name == $"WorkflowActivity {a}"));
        Assert.Contains(spans, s => s.Service == "notifications" && s.Kind == Consumer && s.Scope == "ShopDapr.Events");
        Assert.All(spans, s => Assert.Matches("^[0-9a-f]{16}$", s.SpanId));
    }

    [Fact]
    public async Task Ordering_exports_its_business_instruments_and_a_subscriber_its_event_lag()
    {
        var ct = TestContext.Current.CancellationToken;
        var (customer, orderId) = await PlaceAsync(out _, out _, ct);
        Assert.Equal("Completed", (await _api.AwaitTerminalAsync(customer, orderId, TimeSpan.FromMinutes(2), ct)).Status);

        string[] expected = ["shop.orders.placed", "shop.orders.completed", "shop.saga.duration"];
        await UntilAsync(() => expected.All(m => shop.Receiver.HasMetric("ordering", m)) && shop.Receiver.HasMetric("notifications", "shop.event.lag"), ct);

        Assert.All(expected, m => Assert.True(shop.Receiver.HasMetric("ordering", m), $"ordering exported no {m}"));
        Assert.True(shop.Receiver.HasMetric("notifications", "shop.event.lag"), "notifications exported no shop.event.lag");
    }

    private Task<(string Customer, Guid OrderId)> PlaceAsync(out string trace, out string clientSpan, CancellationToken ct)
    {
        trace = ActivityTraceId.CreateRandom().ToHexString();
        clientSpan = ActivitySpanId.CreateRandom().ToHexString();
        shop.Receiver.Watch(trace);
        return PlaceAsync($"00-{trace}-{clientSpan}-01", ct);
    }

    private async Task<(string Customer, Guid OrderId)> PlaceAsync(string traceParent, CancellationToken ct)
    {
        var admin = await _api.LoginAdminAsync(ct);
        var product = (await _api.CheapProductsAsync(1, 100m, ct))[0];
        await _api.SetStockAsync(admin, product.Sku, 50, ct);
        var (customer, _) = await _api.NewCustomerAsync("traced", ct);
        await _api.AddToCartAsync(customer, product.Id, 1, ct);
        using var checkout = await _api.CheckoutAsync(customer, SagaClient.ApprovingCard, $"traced-{Guid.NewGuid():N}", ct, traceParent: traceParent);
        Assert.True(checkout.StatusCode == HttpStatusCode.Accepted, await _api.DescribeAsync(checkout));
        return (customer, (await checkout.Content.ReadFromJsonAsync<OrderPlaced>(SagaClient.Json, ct))!.OrderId);
    }

    private async Task<IReadOnlyList<ReceivedSpan>> WaitForAsync(string trace, Func<IReadOnlyList<ReceivedSpan>, bool> done, CancellationToken ct)
    {
        await UntilAsync(() => done(shop.Receiver.SpansOf(trace)), ct);
        return shop.Receiver.SpansOf(trace);
    }

    /// <summary>Until <paramref name="holds"/> (the exports arrive in batches), for at most a minute; the caller asserts what arrived.</summary>
    private static async Task UntilAsync(Func<bool> holds, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (!holds() && waited.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(250, ct);
    }

    private static List<string> Missing(IReadOnlyList<ReceivedSpan> spans) =>
    [
        .. Apps.Where(app => !spans.Any(s => s.Service == app)),
        .. SagaActivities.Where(a => !spans.Any(s => s.Name == $"WorkflowActivity {a}")),
    ];

    private static string Describe(IEnumerable<ReceivedSpan> spans) =>
        string.Join("\n", spans.Select(s => $"  {s.Service} [{s.Scope}] {s.Name} kind={s.Kind} span={s.SpanId} parent={s.ParentSpanId}"));
}
