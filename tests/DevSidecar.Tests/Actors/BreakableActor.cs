using Dapr.Actors;
using Dapr.Actors.Runtime;

namespace ShopDapr.DevSidecar.Tests.Actors;

public interface IBreakableActor : IActor
{
    /// <summary>Answers how many calls reached the app so far; throws while the app's probe says <c>Failing</c>, and for its first <c>FailFirst</c> calls.</summary>
    Task<int> Poke();
}

public sealed class BreakableActor(ActorHost host, ActorProbe probe) : Actor(host), IBreakableActor
{
    public Task<int> Poke()
    {
        var calls = probe.CountBreakableCall();
        if (probe.Failing || calls <= probe.FailFirst)
            throw new InvalidOperationException($"call {calls} failed on purpose");
        return Task.FromResult(calls);
    }
}
