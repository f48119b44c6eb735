using Polly;

namespace ShopDapr.DevSidecar.Resiliency;

/// <summary>Which way a component call goes, as in a Resiliency file's <c>targets.components.X.outbound/inbound</c>.</summary>
public enum ComponentDirection { Outbound, Inbound }

/// <summary>
/// The policies of the Resiliency resources, per target, as Polly pipelines nested as daprd nests them
/// (pkg/resiliency/policy.go): the retry outermost, the circuit breaker around each attempt, the timeout bounding each attempt. A call fails a pipeline by throwing; callers turn a failed answer (RETRY, 5xx) into an exception.
/// A target without a policy gets daprd's built-in behaviour (e.g. default retries for invocation), or none.
/// </summary>
public interface IResiliencyPolicies
{
    /// <summary>Service invocation to an app (<c>targets.apps</c>).</summary>
    ResiliencePipeline ForApp(string appId);

    /// <summary>A component (<c>targets.components</c>): state and outbound publish, or inbound pub/sub delivery.</summary>
    ResiliencePipeline ForComponent(string componentName, ComponentDirection direction);

    /// <summary>
    /// An actor type (<c>targets.actors</c>): its retry and circuit breaker around a whole call (daprd's pre-lock policy);
    /// its timeout is <see cref="ForActorTurn"/>.
    /// </summary>
    ResiliencePipeline ForActor(string actorType);

    /// <summary>An actor type's timeout for one call into the app, once the actor's turn is taken (daprd's post-lock policy).</summary>
    ResiliencePipeline ForActorTurn(string actorType) => ResiliencePipeline.Empty;

    /// <summary>An actor call to one id: with <c>circuitBreakerScope: id</c> each id has its own circuit breaker.</summary>
    ResiliencePipeline ForActor(string actorType, string actorId) => ForActor(actorType);

    /// <summary>
    /// daprd's built-in retry of an actor call that found no host (<c>DaprBuiltInActorNotFoundRetries</c>, retrying only
    /// <see cref="Actors.ActorPlacementException"/>); none for a type with its own <c>targets.actors</c> entry.
    /// </summary>
    ResiliencePipeline ForActorPlacement(string actorType) => ResiliencePipeline.Empty;
}

/// <summary>No policies at all: each call runs once.</summary>
public sealed class NoResiliencyPolicies : IResiliencyPolicies
{
    public static readonly NoResiliencyPolicies Instance = new();

    public ResiliencePipeline ForApp(string appId) => ResiliencePipeline.Empty;

    public ResiliencePipeline ForComponent(string componentName, ComponentDirection direction) => ResiliencePipeline.Empty;

    public ResiliencePipeline ForActor(string actorType) => ResiliencePipeline.Empty;
}
