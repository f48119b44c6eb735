using System.Text.Json;
using System.Text.Json.Serialization;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>
/// One persisted reminder: what the app registered (original <c>dueTime</c>, <c>period</c>, <c>ttl</c> strings and raw
/// <c>data</c>, handed back verbatim on every callback) and the schedule state (<see cref="NextDue"/>, repetitions left).
/// </summary>
internal sealed record StoredReminder(
    string Name,
    string ActorId,
    string DueTime,
    string Period,
    string Ttl,
    JsonElement? Data,
    string RegistrationId,
    DateTimeOffset NextDue,
    int RepeatsLeft,
    DateTimeOffset? ExpiresAt);

/// <summary>
/// The reminders of each actor type, kept as one JSON array per type under <c>actors||type</c> in the actor state store,
/// so they survive a restart of the sidecar. Writes are read-modify-write guarded by the store's ETag.
/// </summary>
internal sealed class ReminderStore(IStateStore store)
{
    private const int MaxAttempts = 50;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task<IReadOnlyList<StoredReminder>> ListAsync(string actorType, CancellationToken cancellationToken) =>
        (await ReadAsync(actorType, cancellationToken)).Reminders;

    /// <summary>
    /// Applies <paramref name="change"/> to the type's list and saves it when it reports a change; retried on a concurrent
    /// write (another replica firing or registering a reminder of the same type).
    /// </summary>
    public async Task UpdateAsync(string actorType, Func<List<StoredReminder>, bool> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (reminders, etag) = await ReadAsync(actorType, cancellationToken);
            var list = reminders.ToList();
            if (!change(list))
                return;
            var key = ActorStateStore.RemindersKey(actorType);
            StateOperation op = list.Count == 0
                ? new StateDelete(key, etag)
                : new StateUpsert(key, JsonSerializer.SerializeToUtf8Bytes(list, Json), etag, etag is null ? Concurrency.FirstWrite : Concurrency.LastWrite);
            try
            {
                await store.TransactAsync([op], cancellationToken);
                return;
            }
            catch (ETagMismatchException) when (attempt < MaxAttempts)
            {
                // Someone else wrote this type's reminders since we read them: read again and reapply.
            }
        }
    }

    private async Task<(IReadOnlyList<StoredReminder> Reminders, string? ETag)> ReadAsync(string actorType, CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync(ActorStateStore.RemindersKey(actorType), cancellationToken);
        if (entry is null)
            return ([], null);
        return (JsonSerializer.Deserialize<List<StoredReminder>>(entry.Value, Json) ?? [], entry.ETag);
    }
}
