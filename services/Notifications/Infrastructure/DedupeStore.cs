using System.Globalization;
using Dapr.Client;
using Microsoft.Extensions.Options;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Notifications.Infrastructure;

/// <summary>The record that an event's e-mail was handed to the mail binding (state key <c>notified-{eventId}</c>).</summary>
public sealed record NotificationMarker(Guid EventId, Guid OrderId, string EventType, DateTimeOffset MarkedAt);

/// <summary>
/// The only state of notifications: one marker per event id, written first-write (so of two concurrent deliveries of
/// one event exactly one wins) and expiring after <see cref="NotificationsOptions.DedupeFor"/> (state TTL).
/// </summary>
public sealed class DedupeStore(DaprClient dapr, IOptions<NotificationsOptions> options)
{
    private const string Store = ShopNames.Components.StateStore;
    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };
    private readonly IReadOnlyDictionary<string, string> _ttl = new Dictionary<string, string>
    {
        ["ttlInSeconds"] = ((long)options.Value.DedupeFor.TotalSeconds).ToString(CultureInfo.InvariantCulture),
    };

    internal static string Key(Guid eventId) => $"notified-{eventId:D}";

    /// <summary>True when this call wrote the marker; false when the event was already marked.</summary>
    public Task<bool> TryMarkAsync(NotificationMarker marker, CancellationToken cancellationToken) =>
        dapr.TrySaveStateAsync(Store, Key(marker.EventId), marker, "", FirstWrite, _ttl, cancellationToken);

    /// <summary>Removes the marker so a redelivery sends again (after a failed send).</summary>
    public Task UnmarkAsync(Guid eventId, CancellationToken cancellationToken) =>
        dapr.DeleteStateAsync(Store, Key(eventId), cancellationToken: cancellationToken);
}
