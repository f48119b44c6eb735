using Dapr.Actors;
using Dapr.Actors.Client;

// The same interface (full name and methods) as the CounterActor that DevSidecar.Tests hosts, so remoting calls match.
namespace ShopDapr.DevSidecar.Tests.Actors
{
    public interface ICounterActor : IActor
    {
        Task<int> Increment();

        Task<string> WhereAmI();

        Task Fail(string message);
    }
}

namespace ShopDapr.WorkflowProbeApp
{
    /// <summary>
    /// <c>--call-counter-actor ID</c>: two increments through <c>ActorProxy.Create&lt;T&gt;(id, type)</c> with the SDK's default
    /// options (the endpoint from DAPR_HTTP_ENDPOINT / DAPR_HTTP_PORT, as <c>dapr run</c> sets them), printed one a line.
    /// A process of its own because the SDK reads those variables once per process.
    /// </summary>
    internal static class CounterActorCall
    {
        public static async Task<int> RunAsync(string id)
        {
            var proxy = ActorProxy.Create<ShopDapr.DevSidecar.Tests.Actors.ICounterActor>(new ActorId(id), "CounterActor");
            Console.WriteLine($"increment {await proxy.Increment()}");
            Console.WriteLine($"increment {await proxy.Increment()}");
            return 0;
        }
    }
}
