using Polly;
using Polly.CircuitBreaker;

namespace ShopDapr.DevSidecar.Tests.Resiliency;

public sealed class CircuitBreakerTests
{
    private static readonly string Breaker = ResiliencyKit.Doc("""
          policies:
            circuitBreakers:
              cb:
                maxRequests: 1
                timeout: 30s
                trip: consecutiveFailures > 2
          targets:
            apps:
              catalog:
                circuitBreaker: cb
        """);

    private static async Task<int> FailAsync(ResiliencePipeline pipeline, int times)
    {
        var calls = 0;
        for (var i = 0; i < times; i++)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.ExecuteAsync(_ =>
            {
                calls++;
                throw new InvalidOperationException("down");
            }, TestContext.Current.CancellationToken).AsTask());
        }
        return calls;
    }

    private static async Task<bool> TryCallAsync(ResiliencePipeline pipeline, bool fail = false)
    {
        var called = false;
        try
        {
            await pipeline.ExecuteAsync(_ =>
            {
                called = true;
                return fail ? throw new InvalidOperationException("down") : ValueTask.CompletedTask;
            }, TestContext.Current.CancellationToken);
        }
        catch (BrokenCircuitException)
        {
            Assert.False(called);
        }
        catch (InvalidOperationException)
        {
            Assert.True(called);
        }
        return called;
    }

    [Fact]
    public async Task Opens_after_the_trip_count_of_consecutive_failures_and_rejects_without_calling()
    {
        var pipeline = ResiliencyKit.Load(new RecordingTimeProvider(), Breaker).ForApp("catalog");

        Assert.Equal(3, await FailAsync(pipeline, 3));

        Assert.False(await TryCallAsync(pipeline));
        Assert.False(await TryCallAsync(pipeline));
    }

    [Fact]
    public async Task A_success_resets_the_consecutive_failure_count()
    {
        var pipeline = ResiliencyKit.Load(new RecordingTimeProvider(), Breaker).ForApp("catalog");

        await FailAsync(pipeline, 2);
        Assert.True(await TryCallAsync(pipeline));
        await FailAsync(pipeline, 2);

        Assert.True(await TryCallAsync(pipeline));
    }

    [Fact]
    public async Task Half_opens_after_timeout_and_closes_on_success()
    {
        var time = new RecordingTimeProvider();
        var pipeline = ResiliencyKit.Load(time, Breaker).ForApp("catalog");
        await FailAsync(pipeline, 3);

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(await TryCallAsync(pipeline));
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(await TryCallAsync(pipeline));
        Assert.True(await TryCallAsync(pipeline));
        Assert.Equal(2, await FailAsync(pipeline, 2));
        Assert.True(await TryCallAsync(pipeline));
    }

    [Fact]
    public async Task A_failure_while_half_open_opens_the_breaker_again()
    {
        var time = new RecordingTimeProvider();
        var pipeline = ResiliencyKit.Load(time, Breaker).ForApp("catalog");
        await FailAsync(pipeline, 3);
        time.Advance(TimeSpan.FromSeconds(30));

        Assert.True(await TryCallAsync(pipeline, fail: true));

        Assert.False(await TryCallAsync(pipeline));
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(await TryCallAsync(pipeline));
    }

    [Fact]
    public async Task An_open_breaker_stops_the_retries_as_in_daprd()
    {
        var time = new RecordingTimeProvider();
        var policies = ResiliencyKit.Load(time, ResiliencyKit.Doc("""
              policies:
                retries:
                  forever:
                    policy: constant
                    duration: 0s
                    maxRetries: -1
                circuitBreakers:
                  cb:
                    trip: consecutiveFailures >= 2
              targets:
                components:
                  pubsub:
                    inbound:
                      retry: forever
                      circuitBreaker: cb
            """));
        var op = new Flaky(failures: int.MaxValue);

        await Assert.ThrowsAsync<BrokenCircuitException>(() =>
            policies.ForComponent("pubsub", ShopDapr.DevSidecar.Resiliency.ComponentDirection.Inbound).ExecuteAsync(op.RunAsync, TestContext.Current.CancellationToken).AsTask());
        Assert.Equal(2, op.Attempts);
    }

    [Fact]
    public async Task Each_target_has_its_own_breaker_and_the_pipeline_is_cached()
    {
        var policies = ResiliencyKit.Load(new RecordingTimeProvider(), Breaker.Replace("      catalog:\n        circuitBreaker: cb", "      catalog:\n        circuitBreaker: cb\n      cart:\n        circuitBreaker: cb"));
        Assert.Same(policies.ForApp("catalog"), policies.ForApp("catalog"));

        await FailAsync(policies.ForApp("catalog"), 3);

        Assert.False(await TryCallAsync(policies.ForApp("catalog")));
        Assert.True(await TryCallAsync(policies.ForApp("cart")));
    }

    [Fact]
    public async Task Actor_breaker_with_id_scope_trips_per_actor_id()
    {
        var policies = ResiliencyKit.Load(new RecordingTimeProvider(), ResiliencyKit.Doc("""
              policies:
                circuitBreakers:
                  cb:
                    trip: consecutiveFailures > 0
              targets:
                actors:
                  InventoryActor:
                    circuitBreaker: cb
                    circuitBreakerScope: id
            """));

        await FailAsync(policies.ForActor("InventoryActor", "sku-1"), 1);

        Assert.False(await TryCallAsync(policies.ForActor("InventoryActor", "sku-1")));
        Assert.True(await TryCallAsync(policies.ForActor("InventoryActor", "sku-2")));
    }

    [Fact]
    public async Task Counts_are_cleared_every_interval_while_closed()
    {
        var time = new RecordingTimeProvider();
        var pipeline = ResiliencyKit.Load(time, ResiliencyKit.Doc("""
              policies:
                circuitBreakers:
                  cb:
                    interval: 10s
                    trip: totalFailures > 2
              targets:
                apps:
                  catalog:
                    circuitBreaker: cb
            """)).ForApp("catalog");

        await FailAsync(pipeline, 2);
        time.Advance(TimeSpan.FromSeconds(10));
        await FailAsync(pipeline, 2);
        Assert.True(await TryCallAsync(pipeline));

        await FailAsync(pipeline, 1);
        Assert.False(await TryCallAsync(pipeline));
    }

    [Fact]
    public async Task Half_open_admits_maxRequests_calls_and_closes_after_as_many_successes()
    {
        var time = new RecordingTimeProvider();
        var pipeline = ResiliencyKit.Load(time, ResiliencyKit.Doc("""
              policies:
                circuitBreakers:
                  cb:
                    maxRequests: 2
                    timeout: 5s
                    trip: consecutiveFailures >= 1
              targets:
                apps:
                  catalog:
                    circuitBreaker: cb
            """)).ForApp("catalog");
        await FailAsync(pipeline, 1);
        time.Advance(TimeSpan.FromSeconds(5));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ct = TestContext.Current.CancellationToken;

        var first = pipeline.ExecuteAsync(async _ => await release.Task, ct).AsTask();
        var second = pipeline.ExecuteAsync(async _ => await release.Task, ct).AsTask();
        Assert.False(await TryCallAsync(pipeline));
        release.SetResult();
        await Task.WhenAll(first, second);

        Assert.True(await TryCallAsync(pipeline));
        Assert.True(await TryCallAsync(pipeline));
        Assert.True(await TryCallAsync(pipeline));
    }
}
