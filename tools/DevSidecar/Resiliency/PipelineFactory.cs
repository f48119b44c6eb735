using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace ShopDapr.DevSidecar.Resiliency;

/// <summary>
/// Builds a target's Polly pipeline nested as daprd's policy runner (pkg/resiliency/policy.go) nests it: the retry is
/// outermost, each attempt goes through the circuit breaker, and the timeout bounds each attempt inside it.
/// An open breaker stops the retries (daprd marks it permanent); a caller's cancellation is never retried.
/// </summary>
internal static class PipelineFactory
{
    public static ResiliencePipeline Build(TargetPolicies policies, CircuitBreaker? breaker, TimeProvider time, Func<double> random, RetryDefinition? innerRetry = null)
    {
        if (policies.IsEmpty && breaker is null && innerRetry is null)
            return ResiliencePipeline.Empty;
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (policies.Retry is { MaxRetries: not 0 } retry)
            builder.AddRetry(Retry(retry, time, random));
        if (breaker is not null)
            builder.AddStrategy(_ => new CircuitBreakerStrategy(breaker), new CircuitBreakerStrategyOptions(breaker.Name));
        if (policies.Timeout is { } timeout)
            builder.AddTimeout(timeout);
        if (innerRetry is { MaxRetries: not 0 })
            builder.AddRetry(Retry(innerRetry, time, random));
        return builder.Build();
    }

    private static RetryStrategyOptions Retry(RetryDefinition retry, TimeProvider time, Func<double> random)
    {
        const string startKey = "shopdapr.resiliency.retry-start";
        var start = new ResiliencePropertyKey<DateTimeOffset>(startKey + "." + retry.Name);
        return new RetryStrategyOptions
        {
            Name = retry.Name,
            MaxRetryAttempts = retry.MaxRetries < 0 || retry.MaxRetries > int.MaxValue ? int.MaxValue : (int)retry.MaxRetries,
            BackoffType = DelayBackoffType.Constant,
            Delay = TimeSpan.Zero,
            UseJitter = false,
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(retry.Delay(args.AttemptNumber, random())),
            ShouldHandle = args =>
            {
                var handle = ShouldRetry(retry, args.Outcome.Exception, args.Context.CancellationToken);
                if (handle && retry.Policy == BackoffPolicy.Exponential)
                {
                    // cenkalti/backoff gives up once the elapsed time passes MaxElapsedTime (measured here from the first failure).
                    var now = time.GetUtcNow();
                    if (!args.Context.Properties.TryGetValue(start, out var first))
                        args.Context.Properties.Set(start, first = now);
                    handle = now - first < RetryDefinition.MaxElapsedTime;
                }
                return ValueTask.FromResult(handle);
            },
        };
    }

    private static bool ShouldRetry(RetryDefinition retry, Exception? error, CancellationToken caller) => error switch
    {
        null => false,
        OperationCanceledException when caller.IsCancellationRequested => false,
        BrokenCircuitException => false,
        PermanentFailureException => false,
        _ when retry.RetryOnly is { } only => only(error),
        ResiliencyCodeException code => retry.ShouldRetry(code.StatusCode),
        _ => true,
    };
}
