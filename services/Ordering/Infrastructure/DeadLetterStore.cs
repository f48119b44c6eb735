using System.Text.Json;
using Dapr.Client;
using Microsoft.Extensions.Options;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Ordering.Infrastructure;

/// <summary>A message some subscriber could not handle, as it arrived on the <c>deadletter</c> topic.</summary>
public sealed record DeadLetter(string Id, string? Type, string? Source, string? Topic, DateTimeOffset ReceivedAt, JsonElement Message);

public sealed record DeadLetterList(IReadOnlyList<DeadLetter> Items);

/// <summary>The newest dead letters (at most <see cref="OrderingOptions.DeadLettersKept"/>) in one ETag-guarded key, de-duplicated by CloudEvent id.</summary>
public sealed class DeadLetterStore(DaprClient dapr, IOptions<OrderingOptions> options)
{
    private const string Store = ShopNames.Components.StateStore;
    private const string Key = "ordering-deadletters";
    private const int Attempts = 20;
    private static readonly StateOptions Guarded = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    public async Task<IReadOnlyList<DeadLetter>> ReadAsync(CancellationToken cancellationToken) =>
        (await dapr.GetStateAsync<DeadLetterList?>(Store, Key, ConsistencyMode.Strong, cancellationToken: cancellationToken))?.Items ?? [];

    /// <summary>Keeps <paramref name="letter"/> unless one with its id is kept already; returns whether it was new.</summary>
    public async Task<bool> KeepAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var (list, etag) = await dapr.GetStateAndETagAsync<DeadLetterList?>(Store, Key, ConsistencyMode.Strong, cancellationToken: cancellationToken);
            var items = list?.Items ?? [];
            if (items.Any(i => i.Id == letter.Id))
                return false;
            var kept = items.Append(letter).TakeLast(options.Value.DeadLettersKept).ToList();
            if (await dapr.TrySaveStateAsync(Store, Key, new DeadLetterList(kept), etag ?? "", Guarded, cancellationToken: cancellationToken))
                return true;
        }
        throw new StateConflictException(Key);
    }
}
