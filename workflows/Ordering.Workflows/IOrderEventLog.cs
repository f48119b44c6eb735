using ShopDapr.Contracts.Ordering;

namespace ShopDapr.Ordering.Workflows;

/// <summary>The order's event stream (implemented by the ordering service over the state store).</summary>
public interface IOrderEventLog
{
    /// <summary>
    /// Appends the event <paramref name="create"/> makes for the next version, unless an event with
    /// <paramref name="eventId"/> is already in the stream (a retried activity): then nothing is appended.
    /// Returns the event's version.
    /// </summary>
    Task<long> AppendAsync(Guid orderId, Guid eventId, Func<long, IOrderEvent> create, CancellationToken cancellationToken);
}
