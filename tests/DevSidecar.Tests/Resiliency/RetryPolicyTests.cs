using Polly.Timeout;
using ShopDapr.DevSidecar.Resiliency;

namespace ShopDapr.DevSidecar.Tests.Resiliency;

public sealed class RetryPolicyTests
{
    private static string Retry(string policy, string extra) => ResiliencyKit.Doc($"""
          policies:
            retries:
              r:
                policy: {policy}
        {extra}
          targets:
            apps:
              catalog:
                retry: r
        """);

    [Fact]
    public async Task Constant_retry_makes_maxRetries_plus_one_attempts_waiting_duration_between()
    {
        var time = new RecordingTimeProvider();
        var policies = ResiliencyKit.Load(time, Retry("constant", "        duration: 2s\n        maxRetries: 3"));
        var op = new Flaky(failures: int.MaxValue);

        var run = policies.ForApp("catalog").ExecuteAsync(op.RunAsync, TestContext.Current.CancellationToken).AsTask();
        for (var timer = 1; timer <= 3; timer++)
            await time.FireTimerAsync(timer);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => run);
        Assert.Equal("attempt 4 failed", error.Message);
        Assert.Equal(4, op.Attempts);
        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)], time.Timers);
    }

    [Fact]
    public async Task Exponential_retry_starts_at_500ms_grows_by_half_and_stops_at_maxInterval()
    {
        var time = new RecordingTimeProvider();
        var policies = ResiliencyKit.Load(time, Retry("exponential", "        maxInterval: 1s\n        maxRetries: 4"));
        var op = new Flaky(failures: int.MaxValue);

        var run = policies.ForApp("catalog").ExecuteAsync(op.RunAsync, TestContext.Current.CancellationToken).AsTask();
        for (var timer = 1; timer <= 4; timer++)
            await time.FireTimerAsync(timer);

        await Assert.ThrowsAsync<InvalidOperationException>(() => run);
        Assert.Equal(5, op.Attempts);
        Assert.Equal(new[] { 500, 750, 1000, 1000 }.Select(ms => TimeSpan.FromMilliseconds(ms)), time.Timers);
    }

    [Fact]
    public async Task MaxRetries_minus_one_retries_until_the_call_succeeds()
    {
        var time = new RecordingTimeProvider();
        var policies = ResiliencyKit.Load(time, Retry("constant", "        duration: 1s\n        maxRetries: -1"));
        var op = new Flaky(failures: 25);

        var run = policies.ForApp("catalog").ExecuteAsync(op.RunAsync, TestContext.Current.CancellationToken).AsTask();
        for (var timer = 1; timer <= 25; timer++)
            await time.FireTimerAsync(timer);

        Assert.Equal("ok after 26", await run);
    }

    [Fact]
    public async Task MaxRetries_zero_runs_the_call_once()
    {
        var policies = ResiliencyKit.Load(new RecordingTimeProvider(), Retry("constant", "        maxRetries: 0"));
        var op = new Flaky(failures: 1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => policies.ForApp("catalog").ExecuteAsync(op.RunAsync, TestContext.Current.CancellationToken).AsTask());
        Assert.Equal(1, op.Attempts);
    }

    [Fact]
    public async Task Timeout_bounds_each_attempt_and_each_attempt_is_retried()
    {
        var time = new RecordingTimeProvider();
        var policies = ResiliencyKit.Load(time, ResiliencyKit.Doc("""
              policies:
                timeouts:
                  short: 1s
                retries:
                  twice:
                    policy: constant
                    duration: 0s
                    maxRetries: 2
              targets:
                components:
                  statestore:
                    outbound:
                      timeout: short
                      retry: twice
            """));
        var attempts = 0;

        var run = policies.ForComponent("statestore", ComponentDirection.Outbound).ExecuteAsync(async ct =>
        {
            Interlocked.Increment(ref attempts);
            await Task.Delay(Timeout.Infinite, ct);
        }, TestContext.Current.CancellationToken).AsTask();
        for (var timer = 1; timer <= 3; timer++)
            await time.FireTimerAsync(timer);

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => run);
        Assert.Equal(3, attempts);
        Assert.All(time.Timers, t => Assert.Equal(TimeSpan.FromSeconds(1), t));
    }

    [Fact]
    public async Task A_call_cancelled_by_its_caller_is_not_retried()
    {
        var policies = ResiliencyKit.Load(new RecordingTimeProvider(), Retry("constant", "        duration: 0s\n        maxRetries: -1"));
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var attempts = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => policies.ForApp("catalog").ExecuteAsync(ct =>
        {
            attempts++;
            caller.Cancel();
            ct.ThrowIfCancellationRequested();
            return ValueTask.CompletedTask;
        }, caller.Token).AsTask());
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Cancelling_during_the_wait_between_attempts_ends_the_call()
    {
        var time = new RecordingTimeProvider();
        var policies = ResiliencyKit.Load(time, Retry("constant", "        duration: 1h\n        maxRetries: -1"));
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var op = new Flaky(failures: int.MaxValue);

        var run = policies.ForApp("catalog").ExecuteAsync(op.RunAsync, caller.Token).AsTask();
        await Eventually.TrueAsync(() => time.Timers.Count == 1, "the retry never started waiting");
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(1, op.Attempts);
    }

    [Theory]
    [InlineData(503, 2)]
    [InlineData(404, 1)]
    [InlineData(14, 2)]
    public async Task Matching_retries_only_the_listed_status_codes(int statusCode, int expectedAttempts)
    {
        var policies = ResiliencyKit.Load(new RecordingTimeProvider(), Retry("constant",
            "        duration: 0s\n        maxRetries: 1\n        matching:\n          httpStatusCodes: \"500,502-504\""));
        var op = new Flaky(failures: int.MaxValue, () => new ResiliencyCodeException(statusCode, $"status {statusCode}"));

        await Assert.ThrowsAsync<ResiliencyCodeException>(() => policies.ForApp("catalog").ExecuteAsync(op.RunAsync, TestContext.Current.CancellationToken).AsTask());
        Assert.Equal(expectedAttempts, op.Attempts);
    }
}
