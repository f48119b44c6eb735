using System.Globalization;
using System.Text.Json;
using Dapr;
using Dapr.Client;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Analytics.Infrastructure;

/// <summary>What one unit of work read, and what it writes back (the latest value set under each key, once).</summary>
public sealed class StateDocs(IReadOnlyDictionary<string, BulkStateItem> read, JsonSerializerOptions json)
{
    internal Dictionary<string, (object Value, TimeSpan? Ttl)> Writes { get; } = new(StringComparer.Ordinal);

    /// <summary>The value read (or already written in this unit) under <paramref name="key"/>; null when absent.</summary>
    public T? Get<T>(string key)
        where T : class
    {
        if (Writes.TryGetValue(key, out var written))
            return (T)written.Value;
        return read.TryGetValue(key, out var item) && !string.IsNullOrEmpty(item.Value)
            ? JsonSerializer.Deserialize<T>(item.Value, json)
            : null;
    }

    public void Set<T>(string key, T value, TimeSpan? ttl = null)
        where T : class
    {
        if (!read.ContainsKey(key))
            throw new InvalidOperationException($"The unit of work did not read {key}; it may only write what it read.");
        Writes[key] = (value, ttl);
    }

    internal string? ETagOf(string key) => read.TryGetValue(key, out var item) && !string.IsNullOrEmpty(item.Value) && !string.IsNullOrEmpty(item.ETag) ? item.ETag : null;
}

/// <summary>
/// Analytics' state, on the shop's state store: events are applied in units of work (one per delivered batch, see
/// <see cref="ApplyEachOnceAsync"/>) that read the documents they change (profiles, trending buckets, co-occurrences,
/// product facts) and write them back in one transaction, each guarded by the ETag it was read with (or first-write when
/// it was absent), together with each event's marker <c>seen-{eventId}</c>. A redelivered event finds its marker and changes nothing; two deliveries of one event at once
/// touch the same documents, so one of them fails its ETags, reads again and finds the marker. Nothing is kept only in
/// memory.
/// </summary>
public sealed partial class AnalyticsStore(DaprClient dapr, ILogger<AnalyticsStore> logger)
{
    private const string Store = ShopNames.Components.StateStore;
    private const int MaxAttempts = 8;
    private static readonly StateOptions Guarded = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    /// <summary>How long an event's marker is kept: longer than any broker redelivers.</summary>
    public static readonly TimeSpan RememberEventsFor = TimeSpan.FromDays(7);

    internal static string MarkerKey(string eventId) => $"seen-{eventId}";

    private JsonSerializerOptions Json => dapr.JsonSerializerOptions ?? JsonSerializerOptions.Web;

    /// <summary>
    /// Applies many events as one unit of work: one bulk read of every key they name and of all their markers, each
    /// change not applied yet run in order over the same documents (so ten events on one trending bucket write it once,
    /// with the sum), then one transaction writing every changed document once and each applied event's marker. An event
    /// whose marker was read, or that came earlier in the list, is a duplicate and changes nothing. On a conflict with
    /// another writer the whole unit reads again and re-runs; <see cref="StateConflictException"/> when the conflicts do
    /// not stop (nothing of the unit is then stored).
    /// </summary>
    public async Task ApplyEachOnceAsync(IReadOnlyList<EventChange> changes, CancellationToken cancellationToken)
    {
        var keys = changes.Select(c => MarkerKey(c.EventId)).Concat(changes.SelectMany(c => c.Keys)).Distinct(StringComparer.Ordinal).ToList();
        for (var attempt = 1; ; attempt++)
        {
            var read = await ReadAsync(keys, cancellationToken);
            var docs = new StateDocs(read, Json);
            for (var i = 0; i < changes.Count; i++)
            {
                var marker = MarkerKey(changes[i].EventId);
                if (!string.IsNullOrEmpty(read[marker].Value) || docs.Writes.ContainsKey(marker))
                    continue; // applied before, or earlier in this unit
                changes[i].Apply(docs);
                docs.Writes[marker] = (new SeenEvent(changes[i].EventId, DateTimeOffset.UtcNow), RememberEventsFor);
            }
            if (docs.Writes.Count == 0)
                return;
            try
            {
                await dapr.ExecuteStateTransactionAsync(Store, [.. docs.Writes.Select(w => Upsert(w.Key, w.Value.Value, w.Value.Ttl, docs.ETagOf(w.Key)))], cancellationToken: cancellationToken);
                return;
            }
            catch (DaprException e) when (attempt < MaxAttempts)
            {
                LogConflict(logger, changes.Count, changes[0].EventId, attempt, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken);
            }
            catch (DaprException e)
            {
                throw new StateConflictException($"{changes.Count} event(s) from {changes[0].EventId} could not be applied after {MaxAttempts} attempts.", e);
            }
        }
    }

    /// <summary>
    /// The documents under <paramref name="keys"/> as they are now, read in one call, to plan a unit of work by (which
    /// keys it needs). Read only: what is set on them is never written.
    /// </summary>
    public async Task<StateDocs> PeekAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        new(keys.Count == 0 ? new Dictionary<string, BulkStateItem>() : await ReadAsync([.. keys.Distinct(StringComparer.Ordinal)], cancellationToken), Json);

    /// <summary>The documents under <paramref name="keys"/> (absent ones left out), read in one call.</summary>
    public async Task<IReadOnlyDictionary<string, T>> GetManyAsync<T>(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
        where T : class
    {
        if (keys.Count == 0)
            return new Dictionary<string, T>();
        var read = await ReadAsync([.. keys.Distinct(StringComparer.Ordinal)], cancellationToken);
        return read.Values.Where(i => !string.IsNullOrEmpty(i.Value))
            .ToDictionary(i => i.Key, i => JsonSerializer.Deserialize<T>(i.Value, Json)!, StringComparer.Ordinal);
    }

    public async Task<T?> GetAsync<T>(string key, CancellationToken cancellationToken)
        where T : class =>
        (await GetManyAsync<T>([key], cancellationToken)).GetValueOrDefault(key);

    /// <summary>Saves a document no event writes (a model version, a pointer), last write wins.</summary>
    public Task SaveAsync<T>(string key, T value, CancellationToken cancellationToken) =>
        dapr.SaveStateAsync(Store, key, value, cancellationToken: cancellationToken);

    private async Task<Dictionary<string, BulkStateItem>> ReadAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var items = await dapr.GetBulkStateAsync(Store, keys, parallelism: null, cancellationToken: cancellationToken);
        var read = items.ToDictionary(i => i.Key, StringComparer.Ordinal);
        foreach (var key in keys)
            read.TryAdd(key, new BulkStateItem(key, "", ""));
        return read;
    }

    private StateTransactionRequest Upsert(string key, object value, TimeSpan? ttl, string? etag)
    {
        var metadata = ttl is { } keep
            ? new Dictionary<string, string> { ["ttlInSeconds"] = ((long)keep.TotalSeconds).ToString(CultureInfo.InvariantCulture) }
            : null;
        return new StateTransactionRequest(key, JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), Json), StateOperationType.Upsert, etag, metadata, Guarded);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A unit of {Events} event(s) from {EventId} met a concurrent writer (attempt {Attempt}): {Reason}")]
    private static partial void LogConflict(ILogger logger, int events, string eventId, int attempt, string reason);
}

/// <summary>
/// One event's part of a unit of work: the id its marker is kept under, the keys its change reads and writes, and the
/// change itself (run over the unit's documents, after the changes of the events before it).
/// </summary>
public sealed record EventChange(string EventId, IReadOnlyCollection<string> Keys, Action<StateDocs> Apply);

/// <summary>The marker of an applied event.</summary>
public sealed record SeenEvent(string EventId, DateTimeOffset AppliedAt);

/// <summary>An event's documents kept changing under it; the delivery is retried later.</summary>
public sealed class StateConflictException(string message, Exception inner) : Exception(message, inner);
