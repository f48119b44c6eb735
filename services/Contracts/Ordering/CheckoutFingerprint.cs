using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ShopDapr.Contracts.Ordering;

/// <summary>
/// What "the same checkout request" means for an <c>Idempotency-Key</c> (a key belongs to one request): the request as
/// parsed — shipping address and card, field by field, exactly as given, whatever the JSON's spacing or field order —
/// hashed with HMAC-SHA256 keyed by (customer, idempotency key). The fingerprint is stored beside the idempotency record;
/// the card goes into it only through the hash, and the hash is keyed by the client's key, which no store holds in the
/// clear (stores hold only a SHA-256 of it), so a fingerprint cannot be searched for card numbers without that key.
/// </summary>
public static class CheckoutFingerprint
{
    public static string Of(string customerId, string idempotencyKey, Address? address, CardDetails? card)
    {
        string?[] canonical =
        [
            "checkout/v1",
            address?.Name, address?.Street, address?.City, address?.PostalCode, address?.Country,
            card?.Number, card?.Expiry, card?.Cvc,
        ];
        var key = Encoding.UTF8.GetBytes($"{customerId}\n{idempotencyKey}");
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, JsonSerializer.SerializeToUtf8Bytes(canonical)));
    }

    /// <summary>
    /// True when a repeat carries the request the key was first used with. A record written before fingerprints were
    /// kept (no fingerprint) matches any request, as it did then.
    /// </summary>
    public static bool Matches(string? stored, string? presented) =>
        stored is null || string.Equals(stored, presented, StringComparison.Ordinal);
}
