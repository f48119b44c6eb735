using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ShopDapr.Keys.Domain;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Keys.Infrastructure;

/// <summary>The audit log could not be written: the call it would record is refused (503), never done unaudited.</summary>
public sealed class AuditUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The append-only, hash-chained audit log in the state store: <c>audit-head</c> (the last sequence and hash) and one
/// <c>audit-{sequence}</c> per entry. An entry is appended in the same state transaction as the change it records (and
/// as the head, guarded by its ETag), so the change and its entry commit together or not at all, and two replicas
/// cannot both write entry n. Callers' data are recorded only as an HMAC under the app's own <c>_audit</c> key.
/// </summary>
public sealed class AuditLog(KeysState state, KeyStore keys, TimeProvider time)
{
    public const string HeadKey = "audit-head";
    public const string AuditKeyName = "_audit";
    private const int Attempts = 50;

    private Task<byte[]>? _hmacKey;

    public static string EntryKey(long sequence) => string.Create(CultureInfo.InvariantCulture, $"audit-{sequence:D12}");

    public async Task<(AuditHead Head, string? ETag)> GetHeadAsync(CancellationToken cancellationToken)
    {
        var (head, etag) = await state.GetAsync<AuditHead>(HeadKey, cancellationToken);
        return (head ?? AuditChain.Empty, etag);
    }

    /// <summary>Commits <paramref name="writes"/> with the entry <paramref name="draft"/>; false when a write's key moved on (decide again).</summary>
    public Task<bool> TryCommitAsync(AuditDraft draft, IReadOnlyList<GuardedWrite> writes, CancellationToken cancellationToken) =>
        TryCommitAsync([draft], writes, cancellationToken);

    /// <summary>Commits <paramref name="writes"/> with the entries <paramref name="drafts"/>, chained in their order, in one transaction.</summary>
    public async Task<bool> TryCommitAsync(IReadOnlyList<AuditDraft> drafts, IReadOnlyList<GuardedWrite> writes, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var (head, headETag) = await GetHeadAsync(cancellationToken);
            var all = writes.ToList();
            foreach (var draft in drafts)
            {
                var entry = AuditChain.Append(head, draft);
                all.Add(new GuardedWrite(EntryKey(entry.Sequence), KeysState.Serialize(entry), null));
                head = new AuditHead(entry.Sequence, entry.Hash);
            }
            all.Add(new GuardedWrite(HeadKey, KeysState.Serialize(head), headETag));
            if (await state.TryCommitAsync(all, cancellationToken))
                return true;
            if (writes.Count > 0)
                return false; // maybe the change's own key moved: the caller reads it again
            await Task.Delay(StateContention.Backoff(attempt), cancellationToken);
        }
        throw new AuditUnavailableException("The audit log kept changing while this call was being recorded; retry.");
    }

    /// <summary>
    /// Appends <paramref name="draft"/> (a call that changed nothing: an operation, or a refusal) and returns once it is
    /// stored. Appends are group-committed: while one transaction is in flight, the entries that arrive wait and go
    /// together in the next one (at most <see cref="MaxGroup"/>), so concurrent calls share a commit instead of racing for
    /// the head's ETag one by one (which made 16 concurrent callers no faster than one, and their p99 hundreds of ms).
    /// A failed commit fails every call of its group. An entry whose caller stops waiting is still written: the call was made.
    /// </summary>
    public async Task AppendAsync(AuditDraft draft, CancellationToken cancellationToken)
    {
        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool lead;
        lock (_group)
        {
            _waiting.Add((draft, stored));
            lead = !_committing;
            _committing = true;
        }
        if (lead)
            _ = CommitWaitingAsync();
        await stored.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The most entries one group commit writes (the rest wait for the next).</summary>
    public const int MaxGroup = 64;

    private readonly Lock _group = new();
    private readonly List<(AuditDraft Draft, TaskCompletionSource Stored)> _waiting = [];
    private bool _committing;

    /// <summary>Entries waiting for the commit in flight (for tests).</summary>
    internal int Waiting
    {
        get
        {
            lock (_group)
                return _waiting.Count;
        }
    }

    private async Task CommitWaitingAsync()
    {
        while (true)
        {
            List<(AuditDraft Draft, TaskCompletionSource Stored)> group;
            lock (_group)
            {
                if (_waiting.Count == 0)
                {
                    _committing = false;
                    return;
                }
                group = _waiting[..Math.Min(MaxGroup, _waiting.Count)];
                _waiting.RemoveRange(0, group.Count);
            }
            try
            {
                await TryCommitAsync([.. group.Select(g => g.Draft)], [], CancellationToken.None);
                foreach (var (_, stored) in group)
                    stored.SetResult();
            }
            catch (Exception e)
            {
                foreach (var (_, stored) in group)
                    stored.SetException(e);
            }
        }
    }

    /// <summary>
    /// Re-walks the whole chain from the first entry: the first entry that is missing, out of place, not linked to its
    /// predecessor or altered; or the head, when it does not name the last entry (entries cut off the end).
    /// </summary>
    public async Task<(long Entries, AuditBreak? FirstInvalid)> VerifyAsync(CancellationToken cancellationToken)
    {
        var (head, _) = await GetHeadAsync(cancellationToken);
        var reached = AuditChain.Empty;
        for (var from = 1L; from <= head.Sequence; from += VerifyBatch)
        {
            var sequences = Enumerable.Range(0, (int)Math.Min(VerifyBatch, head.Sequence - from + 1)).Select(i => from + i).ToList();
            var found = await state.GetManyAsync<AuditEntry>([.. sequences.Select(EntryKey)], cancellationToken);
            if (AuditChain.FirstBreak(sequences.Select(s => found.GetValueOrDefault(EntryKey(s))), reached, out reached) is { } broken)
                return (head.Sequence, broken);
        }
        return reached == head
            ? (head.Sequence, null)
            : (head.Sequence, new AuditBreak(head.Sequence, "The head does not name the last entry's hash."));
    }

    /// <summary>
    /// Entries newest first, at most <paramref name="limit"/>, for <paramref name="key"/> (any when null) between
    /// <paramref name="from"/> and <paramref name="to"/>; reads back from the head and stops at <paramref name="from"/>.
    /// </summary>
    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(string? key, DateTimeOffset? from, DateTimeOffset? to, int limit, CancellationToken cancellationToken)
    {
        var (head, _) = await GetHeadAsync(cancellationToken);
        var items = new List<AuditEntry>();
        for (var upTo = head.Sequence; upTo >= 1 && items.Count < limit; upTo -= VerifyBatch)
        {
            var sequences = Enumerable.Range(0, (int)Math.Min(VerifyBatch, upTo)).Select(i => upTo - i).ToList();
            var found = await state.GetManyAsync<AuditEntry>([.. sequences.Select(EntryKey)], cancellationToken);
            foreach (var entry in sequences.Select(s => found.GetValueOrDefault(EntryKey(s))).OfType<AuditEntry>())
            {
                if (entry.Time < from)
                    return items;
                if ((key is null || entry.Key == key) && !(entry.Time > to) && items.Count < limit)
                    items.Add(entry);
            }
        }
        return items;
    }

    private const int VerifyBatch = 200;

    /// <summary>The HMAC of a caller's data under the audit key, <c>hmac-sha256:{hex}</c>; null for none.</summary>
    public async Task<string?> HmacAsync(string? data, CancellationToken cancellationToken)
    {
        if (data is null)
            return null;
        var key = await (_hmacKey ??= LoadHmacKeyAsync());
        return "hmac-sha256:" + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data)));
    }

    /// <summary>The audit key: created (wrapped under the master key like any other) the first time any replica needs it.</summary>
    private async Task<byte[]> LoadHmacKeyAsync()
    {
        try
        {
            for (var attempt = 0; attempt < Attempts; attempt++)
            {
                if (await keys.GetAsync(AuditKeyName, CancellationToken.None) is { } existing)
                    return existing.Key.Latest.Material!;
                var created = ManagedKey.Create(AuditKeyName, KeyType.HmacSha256, null, KeyMaterial.Generate(KeyType.HmacSha256), time.GetUtcNow());
                if (await state.TryCommitAsync(await keys.WritesAsync(created, null, CancellationToken.None), CancellationToken.None))
                    return created.Latest.Material!;
            }
            throw new AuditUnavailableException("The audit key could not be created; retry.");
        }
        catch
        {
            _hmacKey = null; // the next call tries again
            throw;
        }
    }
}
