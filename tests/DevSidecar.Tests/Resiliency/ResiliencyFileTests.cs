using ShopDapr.DevSidecar.Resiliency;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Tests.Resiliency;

public sealed class ResiliencyFileTests
{
    private static ResourceException Broken(string spec) =>
        Assert.Throws<ResourceException>(() => ResiliencyKit.Load(new RecordingTimeProvider(), ("broken.yaml", ResiliencyKit.Doc(spec))));

    [Theory]
    [InlineData("  policies:\n    timeouts:\n      t: soon\n", "spec.policies.timeouts.t", "'soon' is not a duration")]
    [InlineData("  policies:\n    retries:\n      r:\n        policy: linear\n", "spec.policies.retries.r.policy", "unexpected back off policy type 'linear'")]
    [InlineData("  policies:\n    retries:\n      r:\n        duration: 5 seconds\n", "spec.policies.retries.r.duration", "is not a duration")]
    [InlineData("  policies:\n    retries:\n      r:\n        maxRetries: many\n", "spec.policies.retries.r.maxRetries", "'many' is not a whole number")]
    [InlineData("  policies:\n    retries:\n      r:\n        matching:\n          httpStatusCodes: \"500-700\"\n", "spec.policies.retries.r.matching.httpStatusCodes", "code 700 is not between 100 and 599")]
    [InlineData("  policies:\n    retries:\n      r:\n        matching:\n          gRPCStatusCodes: \"5-2\"\n", "spec.policies.retries.r.matching.gRPCStatusCodes", "start value should not bigger than end value")]
    [InlineData("  policies:\n    circuitBreakers:\n      cb:\n        trip: consecutiveFailures > 5 && size(x) > 1\n", "spec.policies.circuitBreakers.cb.trip", "'size' is not one of")]
    [InlineData("  policies:\n    circuitBreakers:\n      cb:\n        trip: failures > 5\n", "spec.policies.circuitBreakers.cb.trip", "'failures' is not one of")]
    [InlineData("  policies:\n    circuitBreakers:\n      cb:\n        maxRequests: -1\n", "spec.policies.circuitBreakers.cb.maxRequests", "is not a whole number")]
    [InlineData("  policies:\n    circuitBreakers:\n      cb:\n        timeout: 1 minute\n", "spec.policies.circuitBreakers.cb.timeout", "is not a duration")]
    [InlineData("  targets:\n    apps:\n      catalog:\n        retry: missing\n", "spec.targets.apps.catalog.retry", "retry policy 'missing' is not defined")]
    [InlineData("  targets:\n    components:\n      statestore:\n        outbound:\n          timeout: nope\n", "spec.targets.components.statestore.outbound.timeout", "timeout policy 'nope' is not defined")]
    [InlineData("  policies:\n    circuitBreakers:\n      cb: {}\n  targets:\n    actors:\n      Cart:\n        circuitBreaker: cb\n", "spec.targets.actors.Cart.circuitBreakerScope", "is required with a circuit breaker")]
    [InlineData("  policies:\n    circuitBreakers:\n      cb: {}\n  targets:\n    actors:\n      Cart:\n        circuitBreaker: cb\n        circuitBreakerScope: host\n", "spec.targets.actors.Cart.circuitBreakerScope", "unknown circuit breaker scope 'host'")]
    [InlineData("  targets:\n    apps:\n      catalog:\n        circuitBreaker: cb1\n", "spec.targets.apps.catalog.circuitBreaker", "circuit breaker policy 'cb1' is not defined")]
    public void A_broken_field_is_named_with_its_file(string spec, string field, string problem)
    {
        var error = Broken(spec);

        Assert.EndsWith("broken.yaml", error.File);
        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Problem);
    }

    [Fact]
    public async Task Policies_and_targets_from_several_files_merge()
    {
        var time = new RecordingTimeProvider();
        var policies = ResiliencyKit.Load(time,
            ("a-policies.yaml", ResiliencyKit.Doc("  policies:\n    retries:\n      r:\n        duration: 0s\n        maxRetries: 2\n", name: "policies")),
            ("b-targets.yaml", ResiliencyKit.Doc("  targets:\n    apps:\n      catalog:\n        retry: r\n", name: "targets")));
        var op = new Flaky(failures: 2);

        Assert.Equal("ok after 3", await policies.ForApp("catalog").ExecuteAsync(op.RunAsync, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Default_policies_apply_to_targets_without_their_own()
    {
        var policies = ResiliencyKit.Load(new RecordingTimeProvider(), ResiliencyKit.Doc("""
              policies:
                retries:
                  DefaultComponentOutboundRetryPolicy:
                    duration: 0s
                    maxRetries: 1
                  DefaultRetryPolicy:
                    duration: 0s
                    maxRetries: 3
              targets:
                components:
                  declared:
                    inbound: {}
            """));

        async Task<int> AttemptsAsync(Polly.ResiliencePipeline pipeline)
        {
            var op = new Flaky(failures: int.MaxValue);
            await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.ExecuteAsync(op.RunAsync, TestContext.Current.CancellationToken).AsTask());
            return op.Attempts;
        }

        Assert.Equal(2, await AttemptsAsync(policies.ForComponent("other", ComponentDirection.Outbound)));
        Assert.Equal(4, await AttemptsAsync(policies.ForComponent("other", ComponentDirection.Inbound)));
        Assert.Equal(4, await AttemptsAsync(policies.ForActor("CartActor")));
        Assert.Equal(1, await AttemptsAsync(policies.ForComponent("declared", ComponentDirection.Outbound)));
    }

    [Fact]
    public async Task Invocation_without_a_policy_retries_only_an_unavailable_sidecar_three_times_a_second_apart()
    {
        var time = new RecordingTimeProvider();
        var pipeline = ResiliencyKit.Load(time).ForApp("catalog");
        var unavailable = new Flaky(int.MaxValue, () => new ResiliencyCodeException(14, "connection refused"));
        var appError = new Flaky(int.MaxValue, () => new ResiliencyCodeException(500, "app failed"));

        var run = pipeline.ExecuteAsync(unavailable.RunAsync, TestContext.Current.CancellationToken).AsTask();
        for (var timer = 1; timer <= 3; timer++)
            await time.FireTimerAsync(timer);
        await Assert.ThrowsAsync<ResiliencyCodeException>(() => run);
        await Assert.ThrowsAsync<ResiliencyCodeException>(() => pipeline.ExecuteAsync(appError.RunAsync, TestContext.Current.CancellationToken).AsTask());

        Assert.Equal(4, unavailable.Attempts);
        Assert.Equal(1, appError.Attempts);
        Assert.All(time.Timers, t => Assert.Equal(TimeSpan.FromSeconds(1), t));
    }

    [Fact]
    public void Trip_expressions_combine_comparisons_with_and_or_and_parentheses()
    {
        var trip = TripExpression.Parse("(consecutiveFailures > 3 || totalFailures >= 10) && requests != 0");

        Assert.True(trip.Evaluate(new BreakerCounts(12, 2, 10, 0, 1)));
        Assert.False(trip.Evaluate(new BreakerCounts(5, 2, 3, 0, 3)));
        Assert.True(trip.Evaluate(new BreakerCounts(5, 1, 4, 0, 4)));
    }
}
