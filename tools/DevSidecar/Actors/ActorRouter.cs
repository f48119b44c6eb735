using ShopDapr.DevSidecar.Resiliency;
using ShopDapr.DevSidecar.State;

namespace ShopDapr.DevSidecar.Actors;

/// <summary>
/// Routes an actor call to the replica placement picks, as daprd's actor router (dapr <c>pkg/actors/router</c>): an
/// attempt that finds no host for the actor, or a host that no longer has it, is retried with daprd's built-in
/// <c>DaprBuiltInActorNotFoundRetries</c> (5 × 1s) unless the type has its own resiliency target. A failure inside the
/// app is not such a miss and is not retried here.
/// </summary>
internal sealed class ActorRouter(ActorPlacement placement, IResiliencyPolicies policies)
{
    public async Task<ActorCallResult> CallAsync(ActorKey key, ActorCall call, CancellationToken cancellationToken)
    {
        try
        {
            return await policies.ForActorPlacement(key.Type).ExecuteAsync(async token =>
            {
                var host = await placement.LocateAsync(key, token) ?? throw new ActorPlacementException(ActorErrors.NoAddress(key.ToString()));
                return await host.InvokeAsync(key, call, token);
            }, cancellationToken);
        }
        catch (ActorPlacementException e)
        {
            throw e.Error;
        }
    }
}

/// <summary>The call did not reach the actor: no live app hosts its type, or the replica it reached no longer has it.</summary>
internal sealed class ActorPlacementException(DaprApiException error) : Exception(error.Message, error)
{
    public DaprApiException Error { get; } = error;
}
