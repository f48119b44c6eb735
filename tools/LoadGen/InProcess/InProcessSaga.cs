using System.Collections.Concurrent;
using System.Text.Json;
using ShopDapr.Contracts.Inventory;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.Contracts.Shipping;
using ShopDapr.Inventory.Domain;
using ShopDapr.Ordering.Domain;
using ShopDapr.Ordering.Workflows;
using ShopDapr.Ordering.Workflows.Fraud;
using ShopDapr.Payment.Domain;
using ShopDapr.Shipping.Domain;

namespace ShopDapr.LoadGen.InProcess;

/// <summary>
/// The checkout saga's happy path with no Dapr, no HTTP and no store: the same domain code each step runs in its
/// service — ordering's checks and event-sourced order, the rule-based fraud score, inventory's <see cref="StockBook"/>
/// reserve (one lock per SKU, as the actor's turn), payment's checks and simulated provider, shipping's checks and
/// record, the confirm — plus the JSON each step writes when it saves its state (an actor keeps its state in memory
/// between turns and serializes it on save; ordering reads the stream back to rebuild the order). What the distributed
/// run adds on top of this is the cost of the saga being distributed.
/// </summary>
internal sealed class InProcessSaga(TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly Address Address = new("Load Shopper", "1 Main Street", "Springfield", "12345", "US");
    /// <summary>The approving test card as checkout leaves it: vaulted (a token and the last four) and, in payment's vault, number and expiry.</summary>
    private static readonly CardOnFile Card = new("card_" + new string('0', 32), "4242");
    private static readonly ProviderCard VaultedCard = new("4242424242424242", "12/34");
    private static readonly TimeSpan ReservationTtl = TimeSpan.FromMinutes(15);

    private readonly RuleBasedFraudScorer _fraud = new(new FraudRuleOptions());
    private readonly SimulatedCardProvider _cards = new(time);
    private readonly ConcurrentDictionary<string, (Lock Turn, StockBook Book)> _stock = new();

    /// <summary>Gives every SKU <paramref name="onHand"/> units (the admin's PUT /api/inventory/{sku}).</summary>
    public void Seed(IEnumerable<string> skus, int onHand)
    {
        foreach (var sku in skus)
            _stock[sku] = (new Lock(), new StockBook { OnHand = onHand });
    }

    /// <summary>Runs one order through every step; returns its final status.</summary>
    public async Task<OrderStatus> RunAsync(IReadOnlyList<OrderLine> lines, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var request = new PlaceOrderRequest(Guid.NewGuid().ToString(), "customer-1", "load@example.com", lines, "USD", Address, Card);
        if (PlaceOrderRules.Check(request).Count > 0)
            throw new InvalidOperationException("the in-process order is malformed");
        var snapshot = new OrderSnapshot(Guid.NewGuid(), request.CustomerId, request.CustomerEmail, lines, "USD", Address, Card, TimeSpan.FromMinutes(10));
        var events = new List<IOrderEvent>();
        Append(events, new OrderSubmitted(Guid.NewGuid(), snapshot.OrderId, 1, snapshot.CustomerId, snapshot.CustomerEmail, now, lines,
            snapshot.Total, "USD", Address, Card.Last4));

        if (_fraud.Score(snapshot).HighRisk)
            throw new InvalidOperationException("the in-process order scored high risk: pick cheaper lines");

        foreach (var line in lines)
        {
            if (WithBook(line.Sku, book => book.Reserve(snapshot.OrderId, line.Quantity, now, ReservationTtl)) != ReserveStatus.Reserved)
                return OrderStatus.Cancelled;
        }
        Append(events, new StockReserved(Guid.NewGuid(), snapshot.OrderId, 2, snapshot.CustomerId, snapshot.CustomerEmail, now));

        var charge = new ChargeRequest(snapshot.OrderId, snapshot.Total, "USD", Card.Token);
        if (ChargeRules.Check(charge) is not null)
            throw new InvalidOperationException("the in-process charge is malformed");
        var claim = Saved(PaymentRecord.Claim(charge, Card.Last4, now));
        if (await _cards.ChargeAsync(snapshot.OrderId.ToString(), VaultedCard, charge.Amount, charge.Currency, ct) is not ProviderCharge.Approved approved)
            return OrderStatus.Cancelled;
        Saved(claim with { State = ChargeState.Charged, PaymentId = approved.PaymentId, ChargedAt = now });
        Append(events, new OrderPaid(Guid.NewGuid(), snapshot.OrderId, 3, snapshot.CustomerId, snapshot.CustomerEmail, now, approved.PaymentId, charge.Amount, "USD"));

        var shipmentRequest = new CreateShipmentRequest(snapshot.OrderId, Address, [.. lines.Select(l => new StockLine(l.Sku, l.Quantity))]);
        if (ShipmentRules.Check(shipmentRequest) is not null)
            throw new InvalidOperationException("the in-process shipment is malformed");
        var shipment = Saved(ShipmentRecord.Create(shipmentRequest, now));
        Append(events, new OrderShipped(Guid.NewGuid(), snapshot.OrderId, 4, snapshot.CustomerId, snapshot.CustomerEmail, now, shipment.ShipmentId, shipment.TrackingNumber));

        foreach (var line in lines)
            WithBook(line.Sku, book => book.Confirm(snapshot.OrderId, now));
        Append(events, new OrderCompleted(Guid.NewGuid(), snapshot.OrderId, 5, snapshot.CustomerId, snapshot.CustomerEmail, now));
        return Order.Rebuild(events)!.Status;
    }

    /// <summary>One actor turn: change the book held in memory, save (JSON).</summary>
    private T WithBook<T>(string sku, Func<StockBook, T> change)
    {
        var (turn, book) = _stock[sku];
        lock (turn)
        {
            var result = change(book);
            book.Settled.Clear(); // as the actor: settlements live under their own keys, not in the saved book
            Saved(book);
            return result;
        }
    }

    /// <summary>Appends as ordering does: store the event, rebuild the order from the stream to check it applies.</summary>
    private static void Append(List<IOrderEvent> events, IOrderEvent next)
    {
        events.Add(RoundTrip(next, next.GetType()));
        _ = Order.Rebuild(events) ?? throw new InvalidOperationException("an empty order stream");
    }

    private static T Saved<T>(T value)
    {
        _ = JsonSerializer.SerializeToUtf8Bytes(value, Json);
        return value;
    }

    private static IOrderEvent RoundTrip(IOrderEvent value, Type type) =>
        (IOrderEvent)JsonSerializer.Deserialize(JsonSerializer.Serialize(value, type, Json), type, Json)!;
}
