using System.Net;

namespace ShopDapr.DevSidecar.Tests.Actors;

public sealed class ActorResiliencyTests
{
    private const string RetryThree = """
        apiVersion: dapr.io/v1alpha1
        kind: Resiliency
        metadata:
          name: resiliency
        spec:
          policies:
            retries:
              three:
                policy: constant
                duration: 10ms
                maxRetries: 3
          targets:
            actors:
              RawActor:
                retry: three
        """;

    [Fact]
    public async Task An_actor_retry_policy_retries_failed_calls_into_the_app()
    {
        await using var env = await ActorTurnLockTests.RawEnv.StartAsync(ActorTurnLockTests.NoReentrancy, new Dictionary<string, string> { ["resiliency.yaml"] = RetryThree });
        using var http = ActorCluster.Http(env.Caller);

        using var response = await http.PutAsync("v1.0/actors/RawActor/f/method/flaky", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("done", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(3, env.App.Attempts("f"));
    }

    [Fact]
    public async Task Without_a_policy_a_failed_call_is_ERR_ACTOR_INVOKE_METHOD_after_one_attempt()
    {
        await using var env = await ActorTurnLockTests.RawEnv.StartAsync(ActorTurnLockTests.NoReentrancy);
        using var http = ActorCluster.Http(env.Caller);

        using var response = await http.PutAsync("v1.0/actors/RawActor/f/method/flaky", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", await ActorInvocationTests.ErrorCode(response));
        Assert.Equal(1, env.App.Attempts("f"));
    }
}
