using System.Globalization;

namespace ShopDapr.DevSidecar.Resiliency;

public enum BackoffPolicy { Constant, Exponential }

/// <summary>
/// A named retry policy as daprd reads it (dapr/kit retry config): <c>constant</c> waits <see cref="Duration"/> (default 5s);
/// <c>exponential</c> starts at 500 ms, grows ×1.5 with ±50 % jitter up to <see cref="MaxInterval"/> (default 60s) and
/// gives up after 15 minutes; <see cref="MaxRetries"/> -1 (the default) retries forever.
/// </summary>
public sealed record RetryDefinition(
    string Name,
    BackoffPolicy Policy,
    TimeSpan Duration,
    TimeSpan MaxInterval,
    long MaxRetries,
    StatusCodeRanges? HttpStatusCodes = null,
    StatusCodeRanges? GrpcStatusCodes = null)
{
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultMaxInterval = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan InitialInterval = TimeSpan.FromMilliseconds(500);
    public const double Multiplier = 1.5;
    public const double RandomizationFactor = 0.5;
    public static readonly TimeSpan MaxElapsedTime = TimeSpan.FromMinutes(15);

    /// <summary>When set, only errors this accepts are retried (daprd's built-in policies retry only some errors).</summary>
    public Func<Exception, bool>? RetryOnly { get; init; }

    /// <summary>As daprd: a gRPC code (0–16) is checked against <c>gRPCStatusCodes</c>, an HTTP one (100–599) against
    /// <c>httpStatusCodes</c>; no list means every code is retried.</summary>
    public bool ShouldRetry(int statusCode) => statusCode switch
    {
        >= 0 and <= 16 => GrpcStatusCodes?.Contains(statusCode) ?? true,
        >= 100 and <= 599 => HttpStatusCodes?.Contains(statusCode) ?? true,
        _ => false,
    };

    /// <summary>The wait before retry number <paramref name="retry"/> (0-based); <paramref name="random"/> is in [0, 1).</summary>
    public TimeSpan Delay(int retry, double random)
    {
        if (Policy == BackoffPolicy.Constant)
            return Duration;
        var interval = InitialInterval.TotalMilliseconds * Math.Pow(Multiplier, retry);
        interval = Math.Min(interval, MaxInterval.TotalMilliseconds);
        var delta = RandomizationFactor * interval;
        return TimeSpan.FromMilliseconds(interval - delta + random * 2 * delta);
    }
}

/// <summary>A named circuit breaker as daprd (sony/gobreaker) reads it: maxRequests 0 means 1, timeout 0 means 60s, interval 0 never clears.</summary>
public sealed record CircuitBreakerDefinition(string Name, uint MaxRequests, TimeSpan Interval, TimeSpan Timeout, TripExpression Trip)
{
    public uint HalfOpenRequests => MaxRequests == 0 ? 1 : MaxRequests;

    public TimeSpan OpenFor => Timeout <= TimeSpan.Zero ? TimeSpan.FromSeconds(60) : Timeout;
}

/// <summary>A <c>matching</c> list such as <c>"500,502-504"</c>.</summary>
public sealed class StatusCodeRanges
{
    private readonly List<(int Start, int End)> _ranges;

    private StatusCodeRanges(List<(int, int)> ranges) => _ranges = ranges;

    public bool Contains(int code) => _ranges.Exists(r => r.Start <= code && code <= r.End);

    /// <summary>Null for an empty list. Throws <see cref="FormatException"/> with daprd's reasons.</summary>
    public static StatusCodeRanges? Parse(string? text, int min, int max)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var ranges = new List<(int, int)>();
        foreach (var pattern in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pattern.Split('-');
            if (parts.Length > 2)
                throw new FormatException($"invalid pattern {pattern}, more than one '-' exists");
            var start = Code(parts[0], pattern, min, max);
            var end = parts.Length == 2 ? Code(parts[1], pattern, min, max) : start;
            if (end < start)
                throw new FormatException($"invalid pattern {pattern}, start value should not bigger than end value");
            ranges.Add((start, end));
        }
        return ranges.Count == 0 ? null : new StatusCodeRanges(ranges);
    }

    private static int Code(string text, string pattern, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            throw new FormatException($"'{text}' in pattern {pattern} is not a status code");
        if (code < min || code > max)
            throw new FormatException($"invalid pattern {pattern}, code {code} is not between {min} and {max}");
        return code;
    }
}

/// <summary>
/// A failed answer with a status code (HTTP 100–599 or gRPC 0–16), as daprd's <c>CodeError</c>: throw it inside a pipeline
/// so a retry policy's <c>matching</c> decides whether it is retried.
/// </summary>
public class ResiliencyCodeException(int statusCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>
/// A failure no retry policy repeats (daprd's <c>backoff.Permanent</c>) that still counts as a failure to a circuit
/// breaker: e.g. an actor method that threw in the app.
/// </summary>
public class PermanentFailureException(string message, Exception? inner = null) : Exception(message, inner);
