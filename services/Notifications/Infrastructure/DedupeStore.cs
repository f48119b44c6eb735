using System.Globalization;
using Dapr.Client;
using Microsoft.Extensions.Options;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Notifications.Infrastructure;

/// <summary>
/// The record of an event's e-mail (state key <c>notified-{eventId}</c>): <see cref="Sending"/> while a delivery is
/// handing it to the mail binding (since <see cref="MarkedAt"/>), then sent. A marker written before this field existed
/// reads as sent.
/// </summary>
public sealed record NotificationMarker(Guid EventId, Guid OrderId, string EventType, DateTimeOffset MarkedAt, bool Sending = false);

/// <summary>The marker as read, with the ETag a claim of it must match.</summary>
public sealed record MarkerRead(NotificationMarker Marker, string ETag);

/// <summary>
/// The only state of notifications: one marker per event id, written first-write (so of two concurrent deliveries of
/// one event exactly one wins), taken over only by ETag, and expiring after <see cref="NotificationsOptions.DedupeFor"/>
/// (state TTL).
/// </summary>
public sealed class DedupeStore(DaprClient dapr, IOptions<NotificationsOptions> options)
{
    private const string Store = ShopNames.Components.StateStore;
    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };
    private static readonly StateOptions LastWrite = new() { Concurrency = ConcurrencyMode.LastWrite, Consistency = ConsistencyMode.Strong };
    private readonly IReadOnlyDictionary<string, string> _ttl = new Dictionary<string, string>
    {
        ["ttlInSeconds"] = ((long)options.Value.DedupeFor.TotalSeconds).ToString(CultureInfo.InvariantCulture),
    };

    internal static string Key(Guid eventId) => $"notified-{eventId:D}";

    /// <summary>True when this call wrote the marker; false when the event was already marked.</summary>
    public Task<bool> TryMarkAsync(NotificationMarker marker, CancellationToken cancellationToken) =>
        dapr.TrySaveStateAsync(Store, Key(marker.EventId), marker, "", FirstWrite, _ttl, cancellationToken);

    /// <summary>The event's marker, or null when there is none (never marked, unmarked after a failed send, or expired).</summary>
    public async Task<MarkerRead?> ReadAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var (marker, etag) = await dapr.GetStateAndETagAsync<NotificationMarker?>(Store, Key(eventId), ConsistencyMode.Strong, cancellationToken: cancellationToken);
        return marker is null || string.IsNullOrEmpty(etag) ? null : new MarkerRead(marker, etag);
    }

    /// <summary>Replaces the marker read as <paramref name="etag"/>; false when another delivery changed it since.</summary>
    public Task<bool> TryReplaceAsync(NotificationMarker marker, string etag, CancellationToken cancellationToken) =>
        dapr.TrySaveStateAsync(Store, Key(marker.EventId), marker, etag, FirstWrite, _ttl, cancellationToken);

    /// <summary>Records that the e-mail went out: later deliveries of the event are duplicates.</summary>
    public Task MarkSentAsync(NotificationMarker marker, CancellationToken cancellationToken) =>
        dapr.SaveStateAsync(Store, Key(marker.EventId), marker with { Sending = false }, LastWrite, _ttl, cancellationToken);

    /// <summary>Removes the marker so a redelivery sends again (after a failed send).</summary>
    public Task UnmarkAsync(Guid eventId, CancellationToken cancellationToken) =>
        dapr.DeleteStateAsync(Store, Key(eventId), cancellationToken: cancellationToken);
}
