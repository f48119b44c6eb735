using System.Globalization;
using ShopDapr.DevSidecar.Components;
using ShopDapr.DevSidecar.Resources;

namespace ShopDapr.DevSidecar.Resiliency;

public enum ActorBreakerScope { Type, Id, Both }

/// <summary>The resolved policies of one target; any of them may be absent.</summary>
public sealed record TargetPolicies(
    TimeSpan? Timeout,
    RetryDefinition? Retry,
    CircuitBreakerDefinition? CircuitBreaker,
    ActorBreakerScope BreakerScope = ActorBreakerScope.Type,
    int BreakerCacheSize = 0)
{
    public static readonly TargetPolicies None = new(null, null, null);

    public bool IsEmpty => Timeout is null && Retry is null && CircuitBreaker is null;
}

/// <summary>
/// Every Resiliency resource of one app, merged (a policy name defined twice: the later file wins, with a warning, as in daprd)
/// and checked: durations, retry and breaker fields, and that every policy a target names exists.
/// </summary>
public sealed class ResiliencyModel
{
    public const string BuiltInServiceRetries = "DaprBuiltInServiceRetries";

    /// <summary>daprd's retry of an actor call that found no host (placement churn, the actor moving): 5 × 1s; a file cannot override it.</summary>
    public const string BuiltInActorNotFoundRetries = "DaprBuiltInActorNotFoundRetries";

    private readonly Dictionary<string, TimeSpan> _timeouts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RetryDefinition> _retries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CircuitBreakerDefinition> _breakers = new(StringComparer.Ordinal);

    public Dictionary<string, TargetPolicies> Apps { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, TargetPolicies> Actors { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, (TargetPolicies Outbound, TargetPolicies Inbound)> Components { get; } = new(StringComparer.Ordinal);
    public List<string> Warnings { get; } = [];

    public static readonly ResiliencyModel Empty = Load([]);

    public static ResiliencyModel Load(IEnumerable<ResiliencyResource> resources)
    {
        var model = new ResiliencyModel();
        var docs = resources.ToList();
        foreach (var doc in docs)
            model.ReadPolicies(doc);
        model.AddBuiltIns();
        foreach (var doc in docs)
            model.ReadTargets(doc);
        return model;
    }

    public RetryDefinition BuiltIn(string name) => _retries[name];

    /// <summary>daprd's default policies: <c>Default{level}RetryPolicy</c> etc. for the first level defined, then <c>DefaultRetryPolicy</c>.</summary>
    public TargetPolicies Defaults(IReadOnlyList<string> levels)
    {
        T? Find<T>(Dictionary<string, T> map, string kind) where T : notnull
        {
            foreach (var level in levels.Append(""))
                if (map.TryGetValue($"Default{level}{kind}Policy", out var found))
                    return found;
            return default;
        }
        var timeout = Find(_timeouts, "Timeout");
        return new TargetPolicies(timeout == TimeSpan.Zero ? null : timeout, Find(_retries, "Retry"), Find(_breakers, "CircuitBreaker"));
    }

    private void ReadPolicies(ResiliencyResource doc)
    {
        var file = doc.SourceFile;
        var p = doc.Spec.Policies;
        foreach (var (name, value) in p.Timeouts)
            Define(_timeouts, name, Duration(file, $"spec.policies.timeouts.{name}", value, required: true)!.Value, doc);
        foreach (var (name, spec) in p.Retries)
        {
            var retry = Retry(file, $"spec.policies.retries.{name}", name, spec ?? new RetrySpec());
            if (name == BuiltInActorNotFoundRetries)
            {
                Warnings.Add($"{file}: spec.policies.retries.{name}: {name} is a protected policy and cannot be overridden; the default is used");
                continue;
            }
            if (name == BuiltInServiceRetries && retry.MaxRetries is >= 0 and < 3)
            {
                Warnings.Add($"{file}: spec.policies.retries.{name}: override of {name} did not meet minimum retry count, resetting to 3");
                retry = retry with { MaxRetries = 3 };
            }
            Define(_retries, name, retry, doc);
        }
        foreach (var (name, spec) in p.CircuitBreakers)
            Define(_breakers, name, Breaker(file, $"spec.policies.circuitBreakers.{name}", name, spec ?? new CircuitBreakerSpec()), doc);
    }

    private void Define<T>(Dictionary<string, T> map, string name, T value, ResiliencyResource doc)
    {
        if (map.ContainsKey(name))
            Warnings.Add($"{doc.SourceFile}: policy '{name}' is defined again in Resiliency '{doc.Metadata.Name}'; this definition wins");
        map[name] = value;
    }

    private void AddBuiltIns()
    {
        _retries.TryAdd(BuiltInServiceRetries, new RetryDefinition(BuiltInServiceRetries, BackoffPolicy.Constant, TimeSpan.FromSeconds(1), RetryDefinition.DefaultMaxInterval, 3));
        _retries.TryAdd(BuiltInActorNotFoundRetries, new RetryDefinition(BuiltInActorNotFoundRetries, BackoffPolicy.Constant, TimeSpan.FromSeconds(1), RetryDefinition.DefaultMaxInterval, 5));
    }

    private void ReadTargets(ResiliencyResource doc)
    {
        var file = doc.SourceFile;
        var t = doc.Spec.Targets;
        foreach (var (name, spec) in t.Apps)
            Apps[name] = Target(file, $"spec.targets.apps.{name}", spec, actor: false);
        foreach (var (name, spec) in t.Actors)
            Actors[name] = Target(file, $"spec.targets.actors.{name}", spec, actor: true);
        foreach (var (name, spec) in t.Components)
        {
            Components[name] = (
                Target(file, $"spec.targets.components.{name}.outbound", spec?.Outbound, actor: false),
                Target(file, $"spec.targets.components.{name}.inbound", spec?.Inbound, actor: false));
        }
    }

    private TargetPolicies Target(string file, string field, TargetSpec? spec, bool actor)
    {
        if (spec is null)
            return TargetPolicies.None;
        T? Named<T>(Dictionary<string, T> map, string? name, string key, string kind) where T : notnull =>
            string.IsNullOrEmpty(name) ? default
            : map.TryGetValue(name, out var found) ? found
            : throw new ResourceException(file, $"{field}.{key}",
                $"{kind} policy '{name}' is not defined (known: {(map.Count == 0 ? "none" : string.Join(", ", map.Keys.Order(StringComparer.Ordinal)))})");

        var timeout = Named(_timeouts, spec.Timeout, "timeout", "timeout");
        var retry = Named(_retries, spec.Retry, "retry", "retry");
        var breaker = Named(_breakers, spec.CircuitBreaker, "circuitBreaker", "circuit breaker");
        var scope = ActorBreakerScope.Type;
        if (actor && breaker is not null)
        {
            scope = spec.CircuitBreakerScope switch
            {
                "type" => ActorBreakerScope.Type,
                "id" => ActorBreakerScope.Id,
                "both" => ActorBreakerScope.Both,
                null or "" => throw new ResourceException(file, $"{field}.circuitBreakerScope", "is required with a circuit breaker (type, id or both)"),
                var s => throw new ResourceException(file, $"{field}.circuitBreakerScope", $"unknown circuit breaker scope '{s}' (type, id or both)"),
            };
        }
        var cacheSize = spec.CircuitBreakerCacheSize switch
        {
            null or "" => actor ? 5000 : 100,
            var s when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 => n,
            var s => throw new ResourceException(file, $"{field}.circuitBreakerCacheSize", $"'{s}' is not a positive whole number"),
        };
        return new TargetPolicies(timeout == TimeSpan.Zero ? null : timeout, retry, breaker, scope, cacheSize);
    }

    private static RetryDefinition Retry(string file, string field, string name, RetrySpec spec)
    {
        var policy = spec.Policy?.ToLowerInvariant() switch
        {
            null or "" or "constant" => BackoffPolicy.Constant,
            "exponential" => BackoffPolicy.Exponential,
            _ => throw new ResourceException(file, $"{field}.policy", $"unexpected back off policy type '{spec.Policy}' (constant or exponential)"),
        };
        var maxRetries = spec.MaxRetries switch
        {
            null or "" => -1L,
            var s when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
            var s => throw new ResourceException(file, $"{field}.maxRetries", $"'{s}' is not a whole number (-1 retries forever)"),
        };
        StatusCodeRanges? Codes(string? text, string key, int min, int max)
        {
            try
            {
                return StatusCodeRanges.Parse(text, min, max);
            }
            catch (FormatException e)
            {
                throw new ResourceException(file, $"{field}.matching.{key}", e.Message);
            }
        }
        return new RetryDefinition(
            name,
            policy,
            Duration(file, $"{field}.duration", spec.Duration, required: false) ?? RetryDefinition.DefaultDuration,
            Duration(file, $"{field}.maxInterval", spec.MaxInterval, required: false) ?? RetryDefinition.DefaultMaxInterval,
            maxRetries,
            Codes(spec.Matching?.HttpStatusCodes, "httpStatusCodes", 100, 599),
            Codes(spec.Matching?.GrpcStatusCodes, "gRPCStatusCodes", 0, 16));
    }

    private static CircuitBreakerDefinition Breaker(string file, string field, string name, CircuitBreakerSpec spec)
    {
        var maxRequests = spec.MaxRequests switch
        {
            null or "" => 0u,
            var s when uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
            var s => throw new ResourceException(file, $"{field}.maxRequests", $"'{s}' is not a whole number >= 0"),
        };
        TripExpression trip;
        try
        {
            trip = string.IsNullOrWhiteSpace(spec.Trip) ? TripExpression.Default : TripExpression.Parse(spec.Trip);
        }
        catch (FormatException e)
        {
            throw new ResourceException(file, $"{field}.trip", $"'{spec.Trip}': {e.Message}; use a comparison such as consecutiveFailures > 5");
        }
        return new CircuitBreakerDefinition(
            name,
            maxRequests,
            Duration(file, $"{field}.interval", spec.Interval, required: false) ?? TimeSpan.Zero,
            Duration(file, $"{field}.timeout", spec.Timeout, required: false) ?? TimeSpan.Zero,
            trip);
    }

    /// <summary>A Go duration, or (as daprd's parseDuration) a whole number of milliseconds.</summary>
    private static TimeSpan? Duration(string file, string field, string? text, bool required)
    {
        if (string.IsNullOrWhiteSpace(text))
            return required ? throw new ResourceException(file, field, "is required (a duration such as 5s or 100ms)") : null;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            return TimeSpan.FromMilliseconds(ms);
        if (GoDuration.TryParse(text, out var d) && d >= TimeSpan.Zero)
            return d;
        throw new ResourceException(file, field, $"'{text}' is not a duration such as 5s, 1m30s or 100ms");
    }
}
