using Polly.CircuitBreaker;
using ShopDapr.DevSidecar.Resiliency;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>
/// Routes an actor call to the replica placement picks and applies the actor type's policies as daprd does
/// (dapr <c>pkg/api/http/actors.go</c>, <c>pkg/actors/router</c>):
/// <list type="bullet">
/// <item>the type's retry and circuit breaker (daprd's pre-lock policy) wrap the whole call: finding the host, waiting for
/// the actor's turn, calling the app. Every failure of an attempt counts and is retried, the app's own failures included
/// (an error status, or an actor error in <c>X-DaprErrorResponseHeader</c>): daprd's router marks those permanent and then
/// unwraps them before the policy sees them. Only "method not found" stays permanent;</item>
/// <item>without a <c>targets.actors</c> entry for the type, an attempt that finds no host for the actor, or a host that no
/// longer has it, is also retried with <c>DaprBuiltInActorNotFoundRetries</c> (5 × 1s); the app's failures are not;</item>
/// <item>the type's timeout bounds each call into the app once the turn is taken (<see cref="ActorAppClient"/>);</item>
/// <item>a host whose app refused the connection never saw the call, and the refusal took it out of placement: the call
/// is placed again at once, on the actor's new host (once per host), before any policy counts it.</item>
/// </list>
/// When the retries run out on an actor error, the caller gets the app's answer as the app worded it.
/// </summary>
internal sealed class ActorRouter(ActorPlacement placement, IResiliencyPolicies policies)
{
    public async Task<ActorCallResult> CallAsync(ActorKey key, ActorCall call, CancellationToken cancellationToken)
    {
        var notFoundRetries = policies.ForActorPlacement(key.Type);
        try
        {
            return await policies.ForActor(key.Type, key.Id).ExecuteAsync(token => notFoundRetries.ExecuteAsync(async attempt =>
            {
                var result = await OnLiveHostAsync(key, call, attempt);
                return result.Has(ActorCallResult.ErrorResponseHeader) ? throw new ActorErrorAnswerException(result) : result;
            }, token), cancellationToken);
        }
        catch (ActorErrorAnswerException e)
        {
            return e.Result;
        }
        catch (ActorPlacementException e)
        {
            throw e.Error;
        }
        catch (ActorMethodNotFoundException e)
        {
            throw e.Error;
        }
        catch (BrokenCircuitException e)
        {
            // daprd words these as gobreaker does (ErrOpenState, ErrTooManyRequests), without the breaker's name.
            throw ActorErrors.Invoke(e.RetryAfter is null ? "too many requests" : "circuit breaker is open");
        }
        catch (Exception e) when (e is not DaprApiException && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            throw ActorErrors.Invoke(e.Message);
        }
    }

    private async Task<ActorCallResult> OnLiveHostAsync(ActorKey key, ActorCall call, CancellationToken cancellationToken)
    {
        var tried = new HashSet<HostedActors>();
        while (true)
        {
            var host = await placement.LocateAsync(key, cancellationToken) ?? throw new ActorPlacementException(ActorErrors.NoAddress(key.ToString()));
            if (!tried.Add(host))
                throw new ActorPlacementException(ActorErrors.Invoke("remote actor moved")); // every host's app refused: the policy decides
            try
            {
                return await host.InvokeAsync(key, call, cancellationToken);
            }
            catch (ActorAppUnreachableException)
            {
                // placed again below: the refusal took the host out
            }
        }
    }
}

/// <summary>The hosting replica's app refused the connection: the call did not reach it.</summary>
internal sealed class ActorAppUnreachableException(DaprApiException error) : Exception(error.Message, error);

/// <summary>The call did not reach the actor: no live app hosts its type, or the replica it reached no longer has it.</summary>
internal sealed class ActorPlacementException(DaprApiException error) : Exception(error.Message, error)
{
    public DaprApiException Error { get; } = error;
}

/// <summary>The app does not serve the method (404): daprd does not retry it.</summary>
internal sealed class ActorMethodNotFoundException(DaprApiException error) : PermanentFailureException(error.Message, error)
{
    public DaprApiException Error { get; } = error;
}

/// <summary>The actor threw (the app answered with <c>X-DaprErrorResponseHeader</c>): a failure to retry and to count in the breaker.</summary>
internal sealed class ActorErrorAnswerException(ActorCallResult result) : Exception("actor error with details in body")
{
    public ActorCallResult Result { get; } = result;
}
