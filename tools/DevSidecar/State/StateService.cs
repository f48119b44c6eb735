using System.Runtime.ExceptionServices;
using Grpc.Core;
using ShopDapr.DevSidecar.Hosting;
using ShopDapr.DevSidecar.Resiliency;
using ShopDapr.DevSidecar.State.Outbox;

namespace ShopDapr.DevSidecar.State;

/// <summary>A request's view of one state store: the store, its name and the app whose keys it prefixes.</summary>
public sealed record StateTarget(string Name, IStateStore Store, string AppId)
{
    public string Key(string key) => StateKeys.Prefix(Store, Name, AppId, key);
}

/// <summary>One key to write, as both APIs receive it, before prefixing.</summary>
public sealed record StateWrite(string Key, byte[]? Value, string? ETag, string? Concurrency, IReadOnlyDictionary<string, string>? Metadata);

/// <summary>
/// What the gRPC and HTTP state APIs share: finding the store, prefixing keys, running store calls through the
/// component's outbound resiliency policy, and daprd's errors. A client mistake (stale or bad ETag, bad TTL, bad key)
/// is never retried: it leaves the pipeline as a result, not as an exception.
/// </summary>
public sealed class StateService(SidecarContext sidecar, IResiliencyPolicies policies, StateOutbox? outbox = null)
{
    public StateTarget Find(string storeName)
    {
        if (sidecar.Components.TryGet<IStateStore>(storeName, out var store))
            return new StateTarget(storeName, store, sidecar.AppId);
        if (!sidecar.Components.OfType<IStateStore>().Any())
            throw new DaprApiException(StatusCode.FailedPrecondition, 500, "ERR_STATE_STORE_NOT_CONFIGURED", $"state store {storeName} is not configured");
        throw new DaprApiException(StatusCode.InvalidArgument, 400, "ERR_STATE_STORE_NOT_FOUND", $"state store {storeName} is not found");
    }

    /// <summary>Prefixes a key, or fails as daprd does for a key holding <c>||</c>.</summary>
    public static string Key(StateTarget target, string key)
    {
        try
        {
            return target.Key(key);
        }
        catch (StateKeyException e)
        {
            throw new DaprApiException(StatusCode.InvalidArgument, 400, "ERR_MALFORMED_REQUEST", e.Message);
        }
    }

    public async Task<StateEntry?> GetAsync(StateTarget target, string key, CancellationToken cancellationToken)
    {
        var stored = Key(target, key);
        try
        {
            return await RunAsync(target.Name, ct => target.Store.GetAsync(stored, ct), cancellationToken);
        }
        catch (Exception e) when (e is not (DaprApiException or OperationCanceledException))
        {
            throw new DaprApiException(StatusCode.Internal, 500, "ERR_STATE_GET", $"fail to get {key} from state store {target.Name}: {e.Message}");
        }
    }

    /// <summary>Reads many keys, at most <paramref name="parallelism"/> at a time (0: all at once); a failed key carries its error.</summary>
    public async Task<IReadOnlyList<(string Key, StateEntry? Entry, string? Error)>> GetBulkAsync(
        StateTarget target, IReadOnlyList<string> keys, int parallelism, CancellationToken cancellationToken)
    {
        var stored = keys.Select(k => Key(target, k)).ToList();
        var results = new (string, StateEntry?, string?)[keys.Count];
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = parallelism > 0 ? parallelism : Math.Max(1, keys.Count),
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(Enumerable.Range(0, keys.Count), options, async (i, ct) =>
        {
            try
            {
                results[i] = (keys[i], await RunAsync(target.Name, c => target.Store.GetAsync(stored[i], c), ct), null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                results[i] = (keys[i], null, e.Message);
            }
        });
        return results;
    }

    public static StateOperation Upsert(StateTarget target, StateWrite w) =>
        new StateUpsert(Key(target, w.Key), w.Value ?? [], NullIfEmpty(w.ETag), StateRules.ParseConcurrency(w.Concurrency), Ttl(w.Metadata));

    public static StateOperation Delete(StateTarget target, StateWrite w) =>
        new StateDelete(Key(target, w.Key), NullIfEmpty(w.ETag), StateRules.ParseConcurrency(w.Concurrency));

    /// <summary>SaveState: all items in one atomic write. daprd: ERR_STATE_SAVE, Aborted / 409 on an ETag mismatch.</summary>
    public Task SaveAsync(StateTarget target, IReadOnlyList<StateOperation> ops, CancellationToken cancellationToken) =>
        WriteAsync(target, ops, "ERR_STATE_SAVE", e => $"failed saving state in state store {target.Name}: {e}", cancellationToken);

    public Task DeleteAsync(StateTarget target, string key, StateOperation op, CancellationToken cancellationToken) =>
        WriteAsync(target, [op], "ERR_STATE_DELETE", e => $"failed deleting state with key {key}: {e}", cancellationToken);

    public Task DeleteBulkAsync(StateTarget target, IReadOnlyList<StateOperation> ops, CancellationToken cancellationToken) =>
        WriteAsync(target, ops, "ERR_STATE_BULK_DELETE", e => $"failed deleting state in state store {target.Name}: {e}", cancellationToken);

    /// <summary>
    /// ExecuteStateTransaction: all or nothing. On a store with an outbox its upserts are first published to the internal
    /// topic (a failure there fails the transaction with ERR_PUBLISH_OUTBOX, nothing stored). daprd reports every store
    /// failure, ETag ones included, as Internal / 500.
    /// </summary>
    public async Task TransactAsync(StateTarget target, IReadOnlyList<TransactionItem> items, string? traceParent, string? traceState, CancellationToken cancellationToken)
    {
        IReadOnlyList<StateOperation> ops = [.. items.Select(i => i.Operation)];
        if (outbox is not null && outbox.TryGet(target.Name, out var settings))
            ops = await outbox.PublishInternalAsync(settings, items, traceParent, traceState, cancellationToken);
        var outcome = OutboxCommit.Unknown;
        try
        {
            await RunAsync(target.Name, async ct => { await target.Store.TransactAsync(ops, ct); return true; }, cancellationToken);
            outcome = OutboxCommit.Committed;
        }
        catch (Exception e) when (e is not (DaprApiException or OperationCanceledException))
        {
            if (e is ETagMismatchException or ETagInvalidException or StateRequestException)
                outcome = OutboxCommit.Failed;
            throw new DaprApiException(StatusCode.Internal, 500, "ERR_STATE_TRANSACTION", $"error while executing state transaction: {e.Message}");
        }
        finally
        {
            outbox?.Settle(ops, outcome);
        }
    }

    /// <summary>Turns the TTL metadata into a TimeSpan, or a client error.</summary>
    public static TimeSpan? Ttl(IReadOnlyDictionary<string, string>? metadata)
    {
        try
        {
            return StateRules.ParseTtl(metadata);
        }
        catch (StateRequestException e)
        {
            throw new DaprApiException(StatusCode.InvalidArgument, 400, "ERR_MALFORMED_REQUEST", e.Message);
        }
    }

    private async Task WriteAsync(StateTarget target, IReadOnlyList<StateOperation> ops, string code, Func<string, string> message, CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(target.Name, async ct => { await target.Store.TransactAsync(ops, ct); return true; }, cancellationToken);
        }
        catch (ETagMismatchException e)
        {
            throw new DaprApiException(StatusCode.Aborted, 409, code, message(e.Message));
        }
        catch (ETagInvalidException e)
        {
            throw new DaprApiException(StatusCode.InvalidArgument, 400, code, message(e.Message));
        }
        catch (Exception e) when (e is not (DaprApiException or OperationCanceledException))
        {
            throw new DaprApiException(StatusCode.Internal, 500, code, message(e.Message));
        }
    }

    private async Task<T> RunAsync<T>(string storeName, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var pipeline = policies.ForComponent(storeName, ComponentDirection.Outbound);
        var (value, clientError) = await pipeline.ExecuteAsync(async ct =>
        {
            try
            {
                return (await call(ct), (Exception?)null);
            }
            catch (Exception e) when (e is ETagMismatchException or ETagInvalidException or StateRequestException)
            {
                return (default(T)!, e); // the client's mistake: not for the retry policy
            }
        }, cancellationToken);
        if (clientError is not null)
            ExceptionDispatchInfo.Throw(clientError);
        return value;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
