using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Dapr;
using Dapr.Actors;

namespace ShopDapr.DevSidecar.Tests.Actors;

/// <summary>
/// A circuit breaker on an actor type (<c>targets.actors.X.circuitBreaker</c>), driven through the sidecar with the official
/// actor proxy: the actor's failures trip it, an open breaker answers as daprd does without reaching the app, and after
/// its timeout one probe call closes it again.
/// </summary>
public sealed class ActorCircuitBreakerTests
{
    private static readonly TimeSpan OpenFor = TimeSpan.FromSeconds(2);

    private static readonly string Resiliency = $"""
        apiVersion: dapr.io/v1alpha1
        kind: Resiliency
        metadata:
          name: resiliency
        spec:
          policies:
            circuitBreakers:
              actorBreaker:
                maxRequests: 1
                timeout: {OpenFor.TotalSeconds}s
                trip: consecutiveFailures >= 3
          targets:
            actors:
              BreakableActor:
                circuitBreaker: actorBreaker
                circuitBreakerScope: type
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_actor_circuit_breaker_opens_on_failures_rejects_without_calling_the_app_and_closes_after_its_timeout()
    {
        await using var cluster = new ActorCluster(resources: new Dictionary<string, string> { ["resiliency.yaml"] = Resiliency });
        var (_, app) = await cluster.StartHostAsync("breaker-app", "r1", o => o.Actors.RegisterActor<BreakableActor>());
        var caller = await cluster.StartCallerAsync();
        var proxy = ActorCluster.Proxy<IBreakableActor>(caller, nameof(BreakableActor), "b-1");
        using var http = ActorCluster.Http(caller);

        app.Probe.Failing = true;
        for (var i = 0; i < 3; i++)
            await Assert.ThrowsAsync<ActorMethodInvocationException>(() => proxy.Poke());
        var tripped = Stopwatch.StartNew();
        Assert.Equal(3, app.Probe.BreakableCalls);

        // The app would answer now; an open breaker must not let the call through. Another id of the type shares it.
        app.Probe.Failing = false;
        using var rejected = await http.PutAsync("v1.0/actors/BreakableActor/b-2/method/Poke", null, Ct);
        var sdkRejected = await Assert.ThrowsAsync<DaprApiException>(() => proxy.Poke());

        Assert.True(tripped.Elapsed < OpenFor, $"the checks of the open breaker took {tripped.Elapsed}, longer than it stays open");
        Assert.Equal(HttpStatusCode.InternalServerError, rejected.StatusCode);
        using (var body = JsonDocument.Parse(await rejected.Content.ReadAsStringAsync(Ct)))
        {
            Assert.Equal("ERR_ACTOR_INVOKE_METHOD", body.RootElement.GetProperty("errorCode").GetString());
            Assert.Equal("error invoke actor method: circuit breaker is open", body.RootElement.GetProperty("message").GetString());
        }
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", sdkRejected.ErrorCode);
        Assert.Equal("error invoke actor method: circuit breaker is open", sdkRejected.Message);
        Assert.Equal(3, app.Probe.BreakableCalls);

        var answer = await FirstSuccessAsync(proxy, TimeSpan.FromSeconds(15));

        Assert.True(tripped.Elapsed >= OpenFor - TimeSpan.FromMilliseconds(500), $"the breaker let a call through after {tripped.Elapsed}");
        Assert.Equal(4, answer);
        Assert.Equal(4, app.Probe.BreakableCalls);
        // Closed again: with maxRequests 1 a half-open breaker would refuse the second of these calls.
        Assert.Equal(5, await proxy.Poke());
        Assert.Equal(6, await proxy.Poke());
    }

    /// <summary>Calls until the breaker lets a call through; a call it rejects must say so, any other failure fails the test.</summary>
    private static async Task<int> FirstSuccessAsync(IBreakableActor proxy, TimeSpan deadline)
    {
        var end = DateTime.UtcNow + deadline;
        while (true)
        {
            try
            {
                return await proxy.Poke();
            }
            catch (DaprApiException e) when (e.Message.Contains("circuit breaker is open", StringComparison.Ordinal))
            {
                if (DateTime.UtcNow > end)
                    Assert.Fail($"the breaker was still open after {deadline}");
            }
            await Task.Delay(50, Ct);
        }
    }
}
