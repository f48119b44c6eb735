using System.Collections.Concurrent;
using Polly;
using ShopDapr.DevSidecar.Components;

namespace ShopDapr.DevSidecar.Resiliency;

/// <summary>
/// The <see cref="IResiliencyPolicies"/> of one sidecar, read from its Resiliency resources. A target without a policy gets
/// daprd's default policies (<c>DefaultAppRetryPolicy</c>, <c>DefaultStatestoreComponentOutboundRetryPolicy</c>,
/// <c>DefaultRetryPolicy</c>, …) and, for service invocation, the built-in retries of the sidecar-to-sidecar hop
/// (<c>DaprBuiltInServiceRetries</c>: 3 × 1s, only for gRPC Unavailable/Unauthenticated). Pipelines and circuit
/// breakers are made once per target and kept. Differences from daprd: an app's breaker is per app (daprd keeps one per
/// app and method), a component's per direction (daprd shares one between inbound and outbound). As in daprd, an
/// actor's retry and breaker wrap its whole call (<see cref="ForActor(string, string)"/>) and its timeout only the call into
/// the app once the actor's turn is taken (<see cref="ForActorTurn"/>).
/// </summary>
public sealed partial class ResiliencyPolicies : IResiliencyPolicies
{
    private readonly ResiliencyModel _model;
    private readonly ComponentRegistry? _components;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ResiliencePipeline> _pipelines = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BoundedCache<ResiliencePipeline>> _actorCaches = new(StringComparer.Ordinal);

    public ResiliencyPolicies(ResiliencyModel model, ComponentRegistry? components, TimeProvider time, ILogger logger, Func<double>? random = null)
    {
        _model = model;
        _components = components;
        _time = time;
        _logger = logger;
        _random = random ?? Random.Shared.NextDouble;
        foreach (var warning in model.Warnings)
            LogWarning(_logger, warning);
    }

    public ResiliencePipeline ForApp(string appId) =>
        _pipelines.GetOrAdd("app|" + appId, _ =>
        {
            if (_model.Apps.TryGetValue(appId, out var policies))
                return Build(policies, $"app[{appId}]");
            var builtIn = _model.BuiltIn(ResiliencyModel.BuiltInServiceRetries) with { RetryOnly = IsSidecarUnavailable };
            return PipelineFactory.Build(_model.Defaults(["App"]), Breaker(_model.Defaults(["App"]), $"app[{appId}]"), _time, _random, builtIn);
        });

    public ResiliencePipeline ForComponent(string componentName, ComponentDirection direction) =>
        _pipelines.GetOrAdd($"component|{direction}|{componentName}", _ =>
        {
            var name = $"component[{componentName}] {(direction == ComponentDirection.Outbound ? "output" : "input")}";
            if (_model.Components.TryGetValue(componentName, out var target))
                return Build(direction == ComponentDirection.Outbound ? target.Outbound : target.Inbound, name);
            var kind = ComponentKind(componentName);
            var levels = kind is null
                ? new[] { $"Component{direction}", "Component" }
                : [$"{kind}Component{direction}", $"Component{direction}", "Component"];
            return Build(_model.Defaults(levels), name);
        });

    public ResiliencePipeline ForActor(string actorType) =>
        _pipelines.GetOrAdd("actor|" + actorType, _ => Build(ActorPolicies(actorType), $"actor[{actorType}]"));

    /// <summary>With <c>circuitBreakerScope: id</c> (or <c>both</c>) each actor id has its own breaker, at most <c>circuitBreakerCacheSize</c> kept.</summary>
    public ResiliencePipeline ForActor(string actorType, string actorId)
    {
        var policies = ActorPolicies(actorType);
        if (policies.CircuitBreaker is null || policies.BreakerScope == ActorBreakerScope.Type)
            return ForActor(actorType);
        var cache = _actorCaches.GetOrAdd(actorType, _ => new BoundedCache<ResiliencePipeline>(policies.BreakerCacheSize));
        return cache.GetOrAdd(actorId, () => Build(policies, $"{actorType}-{actorId}"));
    }

    public ResiliencePipeline ForActorPlacement(string actorType) =>
        _model.Actors.ContainsKey(actorType)
            ? ResiliencePipeline.Empty
            : _pipelines.GetOrAdd("actor-placement", _ => PipelineFactory.Build(TargetPolicies.None, null, _time, _random,
                _model.BuiltIn(ResiliencyModel.BuiltInActorNotFoundRetries) with { RetryOnly = e => e is Actors.ActorPlacementException }));

    public ResiliencePipeline ForActorTurn(string actorType) =>
        _pipelines.GetOrAdd("actor-turn|" + actorType, _ => ActorTargetPolicies(actorType).Timeout is { } timeout
            ? PipelineFactory.Build(TargetPolicies.None with { Timeout = timeout }, null, _time, _random)
            : ResiliencePipeline.Empty);

    /// <summary>The retry and breaker of an actor type; its timeout applies per turn (<see cref="ForActorTurn"/>).</summary>
    private TargetPolicies ActorPolicies(string actorType) => ActorTargetPolicies(actorType) with { Timeout = null };

    private TargetPolicies ActorTargetPolicies(string actorType) =>
        _model.Actors.TryGetValue(actorType, out var policies) ? policies : _model.Defaults(["Actor"]);

    private ResiliencePipeline Build(TargetPolicies policies, string name) =>
        PipelineFactory.Build(policies, Breaker(policies, name), _time, _random);

    private CircuitBreaker? Breaker(TargetPolicies policies, string name) =>
        policies.CircuitBreaker is { } definition
            ? new CircuitBreaker(name, definition, _time, (n, from, to) => LogBreakerState(_logger, n, from, to))
            : null;

    /// <summary>daprd's component kinds for default policy names (<c>Statestore</c>, <c>Pubsub</c>, …).</summary>
    private string? ComponentKind(string componentName) =>
        _components?.Resource(componentName)?.Type.Split('.')[0] switch
        {
            "state" => "Statestore",
            "pubsub" => "Pubsub",
            "bindings" => "Binding",
            "secretstores" => "Secretstore",
            "configuration" => "Configuration",
            "lock" => "Lock",
            "crypto" => "Crypto",
            "conversation" => "Conversation",
            _ => null,
        };

    /// <summary>The sidecar-to-sidecar hop failed as daprd retries it: gRPC Unavailable (14) or Unauthenticated (16).</summary>
    private static bool IsSidecarUnavailable(Exception e) => e is ResiliencyCodeException { StatusCode: 14 or 16 };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogWarning(ILogger logger, string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "Circuit breaker \"{Name}\" changed state from {From} to {To}")]
    private static partial void LogBreakerState(ILogger logger, string name, BreakerState from, BreakerState to);
}
