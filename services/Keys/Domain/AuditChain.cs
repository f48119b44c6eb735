using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ShopDapr.Keys.Domain;

/// <summary>
/// One audited call: who (an app id or a user), which key and version, what, how it ended, and the request id. A
/// caller's data (plaintext, ciphertext, input, signature) never appears: <see cref="DataHmac"/> is its HMAC under the
/// audit key, so an auditor who holds a value can check whether it passed through, and nobody can read one back.
/// Entries form a hash chain: <see cref="Hash"/> is the SHA-256 of every other field, <see cref="PreviousHash"/> included.
/// </summary>
public sealed record AuditEntry(
    long Sequence,
    DateTimeOffset Time,
    string Caller,
    string Operation,
    string? Key,
    int? Version,
    string Outcome,
    string? RequestId,
    string? DataHmac,
    string PreviousHash,
    string Hash);

/// <summary>An audit entry before it is chained: what <see cref="AuditChain.Append"/> seals.</summary>
public sealed record AuditDraft(DateTimeOffset Time, string Caller, string Operation, string? Key, int? Version, string Outcome, string? RequestId, string? DataHmac);

/// <summary>Where the chain stands: the last entry's sequence and hash (0 and <see cref="AuditChain.Genesis"/> when empty).</summary>
public sealed record AuditHead(long Sequence, string Hash);

/// <summary>Why an entry breaks the chain, for <c>/audit/verify</c>.</summary>
public sealed record AuditBreak(long Sequence, string Reason);

public static class AuditChain
{
    /// <summary>The previous hash of the first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    public static AuditHead Empty => new(0, Genesis);

    public static AuditEntry Append(AuditHead head, AuditDraft draft)
    {
        var unsealed = new AuditEntry(head.Sequence + 1, draft.Time, draft.Caller, draft.Operation, draft.Key, draft.Version,
            draft.Outcome, draft.RequestId, draft.DataHmac, head.Hash, "");
        return unsealed with { Hash = HashOf(unsealed) };
    }

    /// <summary>
    /// The first entry of <paramref name="entries"/> (in sequence order, from <paramref name="from"/>) that does not chain:
    /// a gap in the sequence, a previous hash that is not its predecessor's, or a hash that is not its own content's.
    /// </summary>
    public static AuditBreak? FirstBreak(IEnumerable<AuditEntry?> entries, AuditHead from, out AuditHead reached)
    {
        reached = from;
        foreach (var entry in entries)
        {
            var expected = reached.Sequence + 1;
            if (entry is null)
                return new AuditBreak(expected, "The entry is missing.");
            if (entry.Sequence != expected)
                return new AuditBreak(expected, $"The entry stored as {expected} says it is {entry.Sequence}.");
            if (entry.PreviousHash != reached.Hash)
                return new AuditBreak(expected, "Its previousHash is not the hash of the entry before it.");
            if (entry.Hash != HashOf(entry))
                return new AuditBreak(expected, "Its content does not match its hash: the entry was altered.");
            reached = new AuditHead(entry.Sequence, entry.Hash);
        }
        return null;
    }

    /// <summary>SHA-256 (hex) of every field but the hash, each length-prefixed so no two entries share an encoding.</summary>
    public static string HashOf(AuditEntry e)
    {
        var text = new StringBuilder();
        foreach (var field in new[]
        {
            e.Sequence.ToString(CultureInfo.InvariantCulture), e.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            e.Caller, e.Operation, e.Key, e.Version?.ToString(CultureInfo.InvariantCulture), e.Outcome, e.RequestId, e.DataHmac, e.PreviousHash,
        })
            text.Append(field is null ? "-1" : field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append(';');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
