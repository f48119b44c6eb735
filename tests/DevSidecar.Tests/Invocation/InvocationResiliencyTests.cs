using Polly;
using Polly.Retry;
using ShopDapr.DevSidecar.Config;
using ShopDapr.DevSidecar.Invocation;
using ShopDapr.DevSidecar.Resiliency;

namespace ShopDapr.DevSidecar.Tests.Invocation;

/// <summary>
/// daprd retries HTTP invocation on any app answer outside 200–399 (narrowed by a retry policy's
/// <c>matching.httpStatusCodes</c>) only when a Resiliency policy targets the app; the invoker must make that visible to the pipeline.
/// </summary>
public sealed class InvocationResiliencyTests
{
    [Fact]
    public async Task An_app_policy_retries_5xx_answers_and_the_caller_gets_the_first_success()
    {
        await using var apps = await TwoApps.StartAsync();
        apps.AppB.FlakyFailures = 2;
        var invoker = Invoker(apps, maxRetries: 3);

        var response = await invoker.InvokeAsync("b", Get("flaky"), TestContext.Current.CancellationToken);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(3, apps.AppB.Received.Count);
    }

    [Fact]
    public async Task When_retries_run_out_the_last_app_answer_is_passed_back()
    {
        await using var apps = await TwoApps.StartAsync();
        apps.AppB.FlakyFailures = 5;
        var invoker = Invoker(apps, maxRetries: 1);

        var response = await invoker.InvokeAsync("b", Get("flaky"), TestContext.Current.CancellationToken);

        Assert.Equal(503, response.StatusCode);
        Assert.Equal(2, apps.AppB.Received.Count);
    }

    [Fact]
    public async Task Without_a_policy_an_error_answer_is_passed_back_after_one_attempt()
    {
        await using var apps = await TwoApps.StartAsync();
        apps.AppB.FlakyFailures = 1;
        var invoker = new ServiceInvoker(apps.A.Sidecar.Context, SidecarConfiguration.Default, NoResiliencyPolicies.Instance);

        var response = await invoker.InvokeAsync("b", Get("flaky"), TestContext.Current.CancellationToken);

        Assert.Equal(503, response.StatusCode);
        Assert.Single(apps.AppB.Received);
    }

    private static ServiceInvoker Invoker(TwoApps apps, int maxRetries) =>
        new(apps.A.Sidecar.Context, SidecarConfiguration.Default, new RetryApp("b", maxRetries));

    private static InvocationRequest Get(string method) => new(method, "GET", null, [], [], null);

    private sealed class RetryApp(string appId, int maxRetries) : IResiliencyPolicies
    {
        private readonly ResiliencePipeline _retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<AppResponseException>(e => e.StatusCode >= 500),
                MaxRetryAttempts = maxRetries,
                Delay = TimeSpan.Zero,
            })
            .Build();

        public ResiliencePipeline ForApp(string target) => target == appId ? _retry : ResiliencePipeline.Empty;

        public ResiliencePipeline ForComponent(string componentName, ComponentDirection direction) => ResiliencePipeline.Empty;

        public ResiliencePipeline ForActor(string actorType) => ResiliencePipeline.Empty;
    }
}
