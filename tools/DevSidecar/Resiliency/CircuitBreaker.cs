using Polly;
using Polly.CircuitBreaker;

namespace ShopDapr.DevSidecar.Resiliency;

public enum BreakerState { Closed, Open, HalfOpen }

/// <summary>
/// One circuit breaker instance with daprd's semantics (sony/gobreaker): in closed state every failure evaluates the
/// <c>trip</c> expression over the counts (cleared every <c>interval</c> when one is set); open rejects every call for
/// <c>timeout</c>; half-open lets <c>maxRequests</c> calls through, closes once that many succeed in a row and opens
/// again on any failure. A call cancelled by its caller counts neither way.
/// </summary>
public sealed class CircuitBreaker(string name, CircuitBreakerDefinition definition, TimeProvider time, Action<string, BreakerState, BreakerState>? changed = null)
{
    private readonly Lock _gate = new();
    private BreakerState _state = BreakerState.Closed;
    private ulong _generation;
    private BreakerCounts _counts;
    private DateTimeOffset? _expiry = definition.Interval > TimeSpan.Zero ? time.GetUtcNow() + definition.Interval : null;

    public string Name { get; } = name;

    public BreakerState State
    {
        get
        {
            lock (_gate)
                return Current(time.GetUtcNow());
        }
    }

    /// <summary>Admits a call or throws <see cref="BrokenCircuitException"/>; returns the generation to report the outcome to.</summary>
    public ulong Enter()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var state = Current(now);
            if (state == BreakerState.Open)
                throw new BrokenCircuitException($"circuit breaker is open ({Name})", _expiry is { } e ? e - now : TimeSpan.Zero);
            if (state == BreakerState.HalfOpen && _counts.Requests >= definition.HalfOpenRequests)
                throw new BrokenCircuitException($"too many requests ({Name} is half-open)");
            _counts = _counts with { Requests = _counts.Requests + 1 };
            return _generation;
        }
    }

    public void Exit(ulong generation, bool success)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var state = Current(now);
            if (generation != _generation)
                return;
            if (success)
            {
                _counts = _counts with
                {
                    TotalSuccesses = _counts.TotalSuccesses + 1,
                    ConsecutiveSuccesses = _counts.ConsecutiveSuccesses + 1,
                    ConsecutiveFailures = 0,
                };
                if (state == BreakerState.HalfOpen && _counts.ConsecutiveSuccesses >= definition.HalfOpenRequests)
                    Move(BreakerState.Closed, now);
                return;
            }
            _counts = _counts with
            {
                TotalFailures = _counts.TotalFailures + 1,
                ConsecutiveFailures = _counts.ConsecutiveFailures + 1,
                ConsecutiveSuccesses = 0,
            };
            if (state == BreakerState.HalfOpen || (state == BreakerState.Closed && definition.Trip.Evaluate(_counts)))
                Move(BreakerState.Open, now);
        }
    }

    /// <summary>The caller gave up: the call counts neither as a success nor as a failure.</summary>
    public void Abandon(ulong generation)
    {
        lock (_gate)
        {
            if (generation == _generation && _counts.Requests > 0)
                _counts = _counts with { Requests = _counts.Requests - 1 };
        }
    }

    private BreakerState Current(DateTimeOffset now)
    {
        if (_state == BreakerState.Closed && _expiry is { } clear && clear <= now)
            NewGeneration(now);
        else if (_state == BreakerState.Open && _expiry is { } halfOpen && halfOpen <= now)
            Move(BreakerState.HalfOpen, now);
        return _state;
    }

    private void Move(BreakerState to, DateTimeOffset now)
    {
        var from = _state;
        _state = to;
        NewGeneration(now);
        changed?.Invoke(Name, from, to);
    }

    private void NewGeneration(DateTimeOffset now)
    {
        _generation++;
        _counts = default;
        _expiry = _state switch
        {
            BreakerState.Closed => definition.Interval > TimeSpan.Zero ? now + definition.Interval : null,
            BreakerState.Open => now + definition.OpenFor,
            _ => null,
        };
    }
}

/// <summary>The Polly strategy over a <see cref="CircuitBreaker"/>: a rejected call fails with <see cref="BrokenCircuitException"/>.</summary>
internal sealed class CircuitBreakerStrategy(CircuitBreaker breaker) : ResilienceStrategy
{
    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        ulong generation;
        try
        {
            generation = breaker.Enter();
        }
        catch (BrokenCircuitException e)
        {
            return Outcome.FromException<TResult>(e);
        }
        var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        if (outcome.Exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
            breaker.Abandon(generation);
        else
            breaker.Exit(generation, outcome.Exception is null);
        return outcome;
    }
}

internal sealed class CircuitBreakerStrategyOptions : ResilienceStrategyOptions
{
    public CircuitBreakerStrategyOptions(string name) => Name = name;
}
