using Dapr.Actors;
using Dapr.Actors.Runtime;

namespace ShopDapr.DevSidecar.Tests.Actors;

public interface IBreakableActor : IActor
{
    /// <summary>Answers how many calls reached the app so far; throws while the app's probe says <c>Failing</c>.</summary>
    Task<int> Poke();
}

public sealed class BreakableActor(ActorHost host, ActorProbe probe) : Actor(host), IBreakableActor
{
    public Task<int> Poke()
    {
        var calls = probe.CountBreakableCall();
        if (probe.Failing)
            throw new InvalidOperationException($"call {calls} failed on purpose");
        return Task.FromResult(calls);
    }
}
