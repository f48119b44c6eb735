using System.Collections.Concurrent;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>
/// The actors this sidecar hosts for its app: the app's actor configuration (read from <c>GET /dapr/config</c> once the
/// app answers), the table of active actors with their turn locks, calls into the app, and deactivation.
/// </summary>
internal sealed partial class HostedActors(SidecarContext sidecar, ActorAppClient app, TimeProvider time, ILogger<HostedActors> logger)
    : IHostedService, IAsyncDisposable
{
    /// <summary>How long the sidecar keeps asking an app that does not answer yet for its actor configuration.</summary>
    internal static TimeSpan ConfigDeadline { get; set; } = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan ConfigRetry = TimeSpan.FromMilliseconds(200);

    private readonly TaskCompletionSource<ActorHostConfig> _config = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<ActorKey, ActiveActor> _table = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _loading = Task.CompletedTask;
    private int _stopped;

    public SidecarContext Sidecar => sidecar;

    /// <summary>Completes once the app's configuration is known (<see cref="ActorHostConfig.None"/> when it hosts no actors).</summary>
    public Task<ActorHostConfig> Config => _config.Task;

    public CancellationToken Stopping => _stopping.Token;

    /// <summary>When this sidecar began asking its app for its configuration.</summary>
    public DateTimeOffset StartedAt { get; private set; } = DateTimeOffset.UtcNow;

    public IEnumerable<ActiveActor> Active => _table.Values;

    public bool IsActive(string actorType, string actorId) => _table.ContainsKey(new ActorKey(actorType, actorId));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        StartedAt = DateTimeOffset.UtcNow;
        _loading = Task.Run(() => LoadConfigAsync(_stopping.Token), CancellationToken.None);
        sidecar.AddStartupGate("actor types", Config); // daprd is ready once it knows the app's actor types
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops the timers and, as daprd does when it shuts down, deactivates the active actors in the app, waiting for
    /// ongoing calls at most drainOngoingCallTimeout (and never longer than <see cref="MaxDrain"/>).
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
            return;
        await _stopping.CancelAsync();
        foreach (var actor in _table.Values)
            actor.StopTimers();
        _config.TrySetResult(ActorHostConfig.None);
        await _loading.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        var config = await Config;
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        drain.CancelAfter(config.DrainOngoingCallTimeout < MaxDrain ? config.DrainOngoingCallTimeout : MaxDrain);
        var deactivations = _table.Values.ToList().Select(a => DeactivateAsync(a, "sidecar stopping", drain.Token));
        await Task.WhenAll(deactivations).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!_table.IsEmpty)
            LogDrainTimedOut(sidecar.AppId, _table.Count);
    }

    /// <summary>A sidecar disposed without being stopped first still stops its timers and drains its actors.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping.Dispose();
    }

    /// <summary>The longest a stopping sidecar waits for its actors to finish their calls.</summary>
    internal static TimeSpan MaxDrain { get; set; } = TimeSpan.FromSeconds(5);

    private async Task LoadConfigAsync(CancellationToken cancellationToken)
    {
        if (!ActorStateStore.Exists(sidecar))
        {
            // As daprd: without an actor state store the actor runtime is off and the app hosts nothing.
            LogRuntimeDisabled(sidecar.AppId);
            _config.TrySetResult(ActorHostConfig.None);
            return;
        }
        var deadline = time.GetUtcNow() + ConfigDeadline;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (await app.TryGetConfigAsync(cancellationToken) is { } config)
                {
                    if (config.Entities.Count > 0)
                        LogHosting(sidecar.AppId, string.Join(", ", config.Entities));
                    _config.TrySetResult(config);
                    return;
                }
            }
            catch (HttpRequestException e)
            {
                LogAppNotReady(sidecar.AppId, e.Message);
            }
            catch (System.Text.Json.JsonException e)
            {
                LogBadConfig(sidecar.AppId, e.Message);
                _config.TrySetResult(ActorHostConfig.None);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            if (time.GetUtcNow() > deadline)
            {
                LogConfigGaveUp(sidecar.AppId, ConfigDeadline);
                break;
            }
            await Task.Delay(ConfigRetry, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _config.TrySetResult(ActorHostConfig.None);
    }

    /// <summary>
    /// Runs one call on an actor of this sidecar: waits for its turn (joining the running call when reentrancy is on and the
    /// call carries its reentrancy id), then calls the app.
    /// </summary>
    public async Task<ActorCallResult> InvokeAsync(ActorKey key, ActorCall call, CancellationToken cancellationToken)
    {
        var config = await Config.WaitAsync(cancellationToken);
        if (!config.Hosts(key.Type))
            throw new ActorPlacementException(ActorErrors.NoAddress(key.ToString()));
        if (_stopping.IsCancellationRequested)
            throw new ActorPlacementException(ActorErrors.Invoke("remote actor moved")); // placement moves it once this replica is gone
        var reentrancy = config.For(key.Type).Reentrancy;
        while (true)
        {
            var actor = Activate(key);
            var result = await InvokeOnAsync(actor, call, reentrancy, cancellationToken);
            if (result is not null)
                return result;
        }
    }

    /// <summary>
    /// A call on one particular activation; null when that activation was deactivated meanwhile. When the type is
    /// reentrant, a call without a reentrancy id gets a fresh one here (as daprd), which the app passes on. Timers pass
    /// <paramref name="keepsAlive"/> false: as in daprd, timer callbacks do not reset the idle timeout (calls and reminders do).
    /// </summary>
    public async Task<ActorCallResult?> InvokeOnAsync(ActiveActor actor, ActorCall call, ReentrancyConfig reentrancy, CancellationToken cancellationToken,
        bool keepsAlive = true)
    {
        if (reentrancy.Enabled && call.ReentrancyId is null)
            call = call.WithReentrancyId(Guid.NewGuid().ToString());
        using var turn = await actor.Lock.EnterAsync(call.ReentrancyId, reentrancy, cancellationToken);
        if (actor.Deactivated)
            return null;
        if (keepsAlive)
            actor.Touch(time.GetUtcNow());
        try
        {
            var result = await app.InvokeAsync(actor.Key.Type, actor.Key.Id, call, cancellationToken);
            if (result.Status == StatusCodes.Status404NotFound)
                throw new ActorMethodNotFoundException(ActorErrors.Invoke($"actor method not found: actors/{actor.Key.Type}/{actor.Key.Id}/method/{call.Method}"));
            return result;
        }
        finally
        {
            if (keepsAlive)
                actor.Touch(time.GetUtcNow());
        }
    }

    /// <summary>The actor's entry in the table, created on first use.</summary>
    public ActiveActor Activate(ActorKey key) => _table.GetOrAdd(key, k => new ActiveActor(k, time.GetUtcNow()));

    public ActiveActor? Find(ActorKey key) => _table.GetValueOrDefault(key);

    /// <summary>Takes the actor's turn, removes it from the table, stops its timers and tells the app (DELETE actors/{type}/{id}).</summary>
    /// <param name="stillDue">Checked once the turn is ours: a call that slipped in first may have made the actor busy again.</param>
    public async Task DeactivateAsync(ActiveActor actor, string reason, CancellationToken cancellationToken, Func<ActiveActor, bool>? stillDue = null)
    {
        using (await actor.Lock.EnterAsync(null, ReentrancyConfig.Disabled, cancellationToken))
        {
            if (actor.Deactivated || stillDue?.Invoke(actor) == false)
                return;
            actor.Deactivated = true;
            actor.StopTimers();
            LogDeactivating(actor.Key.ToString(), reason);
            try
            {
                // Still in the table while the app deactivates it, so state it saves on the way out is accepted.
                if (await app.DeactivateAsync(actor.Key.Type, actor.Key.Id, cancellationToken) is { } error)
                    LogDeactivateFailed(actor.Key.ToString(), error);
            }
            catch (HttpRequestException e)
            {
                LogDeactivateFailed(actor.Key.ToString(), e.Message);
            }
            finally
            {
                _table.TryRemove(new KeyValuePair<ActorKey, ActiveActor>(actor.Key, actor));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId} still had {Count} actors busy when the drain timeout ran out; they were not deactivated")]
    private partial void LogDrainTimedOut(string appId, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Actor runtime of {AppId} is off: no state store is marked actorStateStore")]
    private partial void LogRuntimeDisabled(string appId);

    [LoggerMessage(Level = LogLevel.Information, Message = "App {AppId} hosts actor types {Types}")]
    private partial void LogHosting(string appId, string types);

    [LoggerMessage(Level = LogLevel.Debug, Message = "App {AppId} does not answer GET /dapr/config yet: {Reason}")]
    private partial void LogAppNotReady(string appId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId} answered GET /dapr/config with invalid JSON, hosting no actors: {Reason}")]
    private partial void LogBadConfig(string appId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId} did not answer GET /dapr/config within {Deadline}; it hosts no actors")]
    private partial void LogConfigGaveUp(string appId, TimeSpan deadline);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deactivating actor {Actor} ({Reason})")]
    private partial void LogDeactivating(string actor, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deactivating actor {Actor} failed in the app: {Error}")]
    private partial void LogDeactivateFailed(string actor, string error);
}
