using System.Text.Json;
using Dapr;
using Dapr.Client;
using ShopDapr.Payment.Domain;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Payment.Infrastructure;

/// <summary>
/// Payment records and the ledger in the Dapr state store. A record is claimed first-write (only one request per order
/// may charge), moved on only with its ETag, and a money movement changes the record and the ledger in ONE state
/// transaction, so "charged" and "counted in the ledger" cannot disagree.
/// </summary>
public sealed partial class PaymentStore(DaprClient dapr, ILogger<PaymentStore> logger)
{
    private const string Store = ShopNames.Components.StateStore;
    private const int LedgerAttempts = 20;

    /// <summary>
    /// The ledger is kept in this many shards, an order's money always in the same one: one ledger key written by every
    /// charge and refund made concurrent charges collide on its ETag until one ran out of attempts (a 409 the saga
    /// retries seconds later; orders sat in StockReserved for a minute at 37 orders/s).
    /// </summary>
    internal const int LedgerShards = 16;

    internal static string LedgerKeyOf(Guid orderId) => $"payment-ledger-{StateContention.BucketOf(orderId, LedgerShards)}";

    internal static IEnumerable<string> LedgerKeys => Enumerable.Range(0, LedgerShards).Select(n => $"payment-ledger-{n}");
    private static readonly StateOptions Guarded = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    internal static string Key(Guid orderId) => $"payment-{orderId:D}";

    public async Task<(PaymentRecord? Record, string ETag)> GetAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var (record, etag) = await dapr.GetStateAndETagAsync<PaymentRecord?>(Store, Key(orderId), ConsistencyMode.Strong, cancellationToken: cancellationToken);
        return (record, etag ?? "");
    }

    /// <summary>The sum of every shard.</summary>
    public async Task<PaymentLedger> GetLedgerAsync(CancellationToken cancellationToken)
    {
        var shards = await Task.WhenAll(LedgerKeys.Select(key =>
            dapr.GetStateAsync<PaymentLedger?>(Store, key, ConsistencyMode.Strong, cancellationToken: cancellationToken)));
        return shards.Aggregate(PaymentLedger.Empty, (sum, shard) => shard is null ? sum : sum.Plus(shard));
    }

    /// <summary>Writes <paramref name="claim"/> only if the order has no record yet; false when someone else has one.</summary>
    public Task<bool> TryClaimAsync(PaymentRecord claim, CancellationToken cancellationToken) =>
        dapr.TrySaveStateAsync(Store, Key(claim.OrderId), claim, "", Guarded, cancellationToken: cancellationToken);

    /// <summary>Replaces the record if it still has <paramref name="etag"/> (no money moved: a decline, a stale claim taken over).</summary>
    public Task<bool> TryReplaceAsync(PaymentRecord record, string etag, CancellationToken cancellationToken) =>
        dapr.TrySaveStateAsync(Store, Key(record.OrderId), record, etag, Guarded, cancellationToken: cancellationToken);

    /// <summary>Removes a claim whose charge failed transiently, so a retry may charge again.</summary>
    public Task<bool> TryReleaseAsync(Guid orderId, string etag, CancellationToken cancellationToken) =>
        dapr.TryDeleteStateAsync(Store, Key(orderId), etag, Guarded, cancellationToken: cancellationToken);

    /// <summary>
    /// Saves <paramref name="record"/> (if it still has <paramref name="etag"/>) and applies <paramref name="ledgerChange"/> to
    /// the ledger in one transaction. False when the record changed meanwhile; a concurrent ledger change is retried.
    /// </summary>
    public async Task<bool> TryCommitAsync(PaymentRecord record, string etag, Func<PaymentLedger, PaymentLedger> ledgerChange, CancellationToken cancellationToken)
    {
        var ledgerKey = LedgerKeyOf(record.OrderId);
        for (var attempt = 1; attempt <= LedgerAttempts; attempt++)
        {
            var (ledger, ledgerEtag) = await dapr.GetStateAndETagAsync<PaymentLedger?>(Store, ledgerKey, ConsistencyMode.Strong, cancellationToken: cancellationToken);
            StateTransactionRequest[] operations =
            [
                new(Key(record.OrderId), JsonSerializer.SerializeToUtf8Bytes(record, JsonSerializerOptions.Web), StateOperationType.Upsert, etag, options: Guarded),
                new(ledgerKey, JsonSerializer.SerializeToUtf8Bytes(ledgerChange(ledger ?? PaymentLedger.Empty), JsonSerializerOptions.Web),
                    StateOperationType.Upsert, ledgerEtag ?? "", options: Guarded),
            ];
            try
            {
                await dapr.ExecuteStateTransactionAsync(Store, operations, cancellationToken: cancellationToken);
                return true;
            }
            catch (DaprException e)
            {
                // daprd does not say which ETag failed: look. Neither changed means the store itself failed.
                var (_, currentEtag) = await GetAsync(record.OrderId, cancellationToken);
                if (currentEtag != etag)
                    return false;
                var (_, currentLedgerEtag) = await dapr.GetStateAndETagAsync<PaymentLedger?>(Store, ledgerKey, ConsistencyMode.Strong, cancellationToken: cancellationToken);
                if ((currentLedgerEtag ?? "") == (ledgerEtag ?? ""))
                    throw;
                LogLedgerConflict(logger, record.OrderId, attempt, e.Message);
                // Lost the race: back off a random, growing while so colliding writers spread out instead of meeting again.
                await Task.Delay(StateContention.Backoff(attempt), cancellationToken);
            }
        }
        throw new PaymentConflictException($"The payment ledger kept changing while recording order {record.OrderId}; retry.");
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ledger changed concurrently while recording order {OrderId} (attempt {Attempt}): {Reason}")]
    private static partial void LogLedgerConflict(ILogger logger, Guid orderId, int attempt, string reason);
}

/// <summary>State kept changing under a request; answered 409 so the caller retries.</summary>
public sealed class PaymentConflictException(string message) : Exception(message);
