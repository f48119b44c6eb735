using ShopDapr.DevSidecar.Config;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Workflows;

/// <summary>
/// One <see cref="WorkflowEngine"/> per app id in a <see cref="SidecarCluster"/>, shared by the app's replicas: two
/// engines over one state store would each load, run and save the same instances. The first replica to start loads
/// the engine; the last to stop stops it (what is saved is loaded again by the next engine for that app id).
/// </summary>
internal sealed class WorkflowEngines : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, Shared> _engines = new(StringComparer.Ordinal);

    private sealed class Shared(WorkflowEngine engine, ReplicaLogger log)
    {
        public WorkflowEngine Engine { get; } = engine;

        public ReplicaLogger Log { get; } = log;

        public List<ILoggerFactory> Replicas { get; } = [];
    }

    /// <summary>The engine of an app id while any replica of it runs; null otherwise.</summary>
    public WorkflowEngine? Find(string appId)
    {
        lock (_engines)
            return _engines.TryGetValue(appId, out var shared) ? shared.Engine : null;
    }

    /// <summary>
    /// Joins a replica to its app's engine, creating and loading the engine for the first one (with that replica's
    /// Configuration's workflow retention; the replicas of one app share one Configuration).
    /// </summary>
    public async Task<WorkflowEngine> AcquireAsync(SidecarContext replica, SidecarConfiguration config, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Find(replica.AppId) is not { } engine)
            {
                var log = new ReplicaLogger(typeof(WorkflowEngine).FullName!);
                log.Use(logs);
                engine = new WorkflowEngine(replica.AppId, replica.Cluster, new WorkflowStore(replica.AppId, replica.Components),
                    new WorkQueue(), replica.Cluster.Time, log, config.WorkflowRetention);
                await engine.LoadAsync(cancellationToken);
                lock (_engines)
                    _engines[replica.AppId] = new Shared(engine, log);
            }
            lock (_engines)
                _engines[replica.AppId].Replicas.Add(logs);
            return engine;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A replica stops: the engine logs through another replica, or stops with the last one.</summary>
    public async Task ReleaseAsync(string appId, ILoggerFactory logs)
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            Shared? last = null;
            lock (_engines)
            {
                if (!_engines.TryGetValue(appId, out var shared))
                    return;
                shared.Replicas.Remove(logs);
                if (shared.Replicas.Count > 0)
                {
                    shared.Log.Use(shared.Replicas[0]);
                    return;
                }
                _engines.Remove(appId);
                last = shared;
            }
            await last.Engine.StopAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<WorkflowEngine> left;
        lock (_engines)
        {
            left = [.. _engines.Values.Select(s => s.Engine)];
            _engines.Clear();
        }
        foreach (var engine in left)
            await engine.StopAsync();
    }
}

/// <summary>A logger that writes through one of the live replicas' logging, since the shared engine outlives the first.</summary>
internal sealed class ReplicaLogger(string category) : ILogger
{
    private volatile ILogger _current = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Use(ILoggerFactory logs) => _current = logs.CreateLogger(category);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => _current.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => _current.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _current.Log(logLevel, eventId, state, exception, formatter);
}
