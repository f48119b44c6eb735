using System.Text.Json;
using ShopDapr.Contracts.Ordering;

namespace ShopDapr.Ordering.Infrastructure;

/// <summary>One order's event stream as stored (key <c>order-{id}</c>): the events in version order, each with its outbox flag.</summary>
public sealed record OrderStream(Guid OrderId, IReadOnlyList<StoredOrderEvent> Events)
{
    public IEnumerable<IOrderEvent> Decoded() => Events.Select(e => e.Decode());
}

/// <summary>An event in its stream: the record's type name, its JSON, and whether it has reached <c>order-events</c> yet.</summary>
public sealed record StoredOrderEvent(Guid EventId, long Version, string Type, JsonElement Data, bool Published)
{
    private static readonly Dictionary<string, Type> Types = new Type[]
    {
        typeof(OrderSubmitted), typeof(OrderAwaitingApproval), typeof(StockReserved), typeof(OrderPaid),
        typeof(OrderShipped), typeof(OrderCompleted), typeof(OrderDelivered), typeof(OrderCancelled),
    }.ToDictionary(t => t.Name);

    public static StoredOrderEvent Encode(IOrderEvent e) =>
        Types.ContainsKey(e.GetType().Name)
            ? new(e.EventId, e.Version, e.GetType().Name, JsonSerializer.SerializeToElement(e, e.GetType(), JsonSerializerOptions.Web), false)
            : throw new ArgumentException($"{e.GetType().Name} is not an order event.", nameof(e));

    public IOrderEvent Decode() =>
        Types.TryGetValue(Type, out var type)
            ? (IOrderEvent)(Data.Deserialize(type, JsonSerializerOptions.Web) ?? throw new InvalidOperationException($"Event {EventId} is empty."))
            : throw new InvalidOperationException($"Event {EventId} has unknown type {Type}.");
}
