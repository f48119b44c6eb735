using System.Globalization;

namespace ShopDapr.DevSidecar.State;

/// <summary>A state request the client got wrong (bad ttlInSeconds, a key with <c>||</c> …): gRPC InvalidArgument, HTTP 400.</summary>
public sealed class StateRequestException(string message) : Exception(message);

/// <summary>
/// The ETag and TTL rules every state store of the dev sidecar follows, as components-contrib's in-memory and
/// sqlite stores do: ETags are fresh UUIDs, a given ETag must match a live row, first-write needs no live row,
/// and <c>ttlInSeconds</c> sets (or, on a write without it, clears) an expiry.
/// </summary>
public static class StateRules
{
    public const string TtlMetadata = "ttlInSeconds";

    /// <summary>The response metadata daprd returns for a value with an expiry (RFC 3339, UTC).</summary>
    public const string TtlExpireTimeMetadata = "ttlExpireTime";

    public static string NewETag() => Guid.NewGuid().ToString();

    /// <summary>Throws <see cref="ETagMismatchException"/> when <paramref name="op"/> may not apply over <paramref name="current"/> (a live entry or null).</summary>
    public static void Check(StateOperation op, StateEntry? current)
    {
        if (!string.IsNullOrEmpty(op.ETag))
        {
            if (current is null || !string.Equals(current.ETag, op.ETag, StringComparison.Ordinal))
                throw new ETagMismatchException(op.Key);
        }
        else if (op.Concurrency == Concurrency.FirstWrite && op is StateUpsert && current is not null)
        {
            throw new ETagMismatchException(op.Key);
        }
    }

    public static bool IsExpired(DateTimeOffset? expiresAt, DateTimeOffset now) => expiresAt is { } at && at <= now;

    public static DateTimeOffset? ExpiresAt(StateUpsert upsert, DateTimeOffset now) => upsert.Ttl is { } ttl ? now + ttl : null;

    /// <summary>
    /// <c>ttlInSeconds</c> from request metadata: absent or -1 (or any negative) means no expiry, as contrib's ParseTTL.
    /// Anything not a whole number is the client's mistake.
    /// </summary>
    public static TimeSpan? ParseTtl(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null || !metadata.TryGetValue(TtlMetadata, out var text) || string.IsNullOrEmpty(text))
            return null;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds) || seconds > int.MaxValue)
            throw new StateRequestException($"incorrect value for metadata '{TtlMetadata}': {text}");
        return seconds < 0 ? null : TimeSpan.FromSeconds(seconds);
    }

    public static Concurrency ParseConcurrency(string? text) =>
        string.Equals(text, "first-write", StringComparison.OrdinalIgnoreCase) ? Concurrency.FirstWrite : Concurrency.LastWrite;

    /// <summary>Metadata returned with a value: <c>ttlExpireTime</c> when it expires.</summary>
    public static Dictionary<string, string> ResponseMetadata(StateEntry entry) =>
        entry.ExpiresAt is { } at
            ? new Dictionary<string, string> { [TtlExpireTimeMetadata] = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) }
            : new Dictionary<string, string>();
}
