using System.Text.Json;
using System.Text.Json.Nodes;
using Cel;

namespace ShopDapr.DevSidecar.PubSub.Subscriptions;

/// <summary>
/// A subscription's rules, compiled: CEL with one variable, <c>event</c> (the CloudEvent as a map, numbers as doubles
/// as Go's JSON decoding gives them); tried in order, the first true wins; a rule without a match always wins.
/// </summary>
internal sealed class RoutingRules
{
    private readonly (RoutingRule Rule, CelProgramDelegate? Program)[] _rules;

    public RoutingRules(IReadOnlyList<RoutingRule> rules)
    {
        var env = new CelEnvironment(null, null);
        _rules = rules.Select(r => (r, r.Match is null ? null : env.Compile(r.Match))).ToArray();
    }

    /// <summary>The CEL parse error of <paramref name="match"/>, or null when it compiles.</summary>
    public static string? CompileError(string match)
    {
        try
        {
            new CelEnvironment(null, null).Compile(match);
            return null;
        }
        catch (CelException e)
        {
            return e.Message;
        }
    }

    /// <summary>The path of the first matching rule, or null when none matches. Throws <see cref="RoutingException"/> on a CEL error.</summary>
    public string? Match(JsonObject cloudEvent)
    {
        Dictionary<string, object?>? variables = null;
        foreach (var (rule, program) in _rules)
        {
            if (program is null)
                return rule.Path;
            variables ??= new Dictionary<string, object?> { ["event"] = ToCel(cloudEvent) };
            object? result;
            try
            {
                result = program.Invoke(variables);
            }
            catch (CelException e)
            {
                throw new RoutingException($"error evaluating match expression {rule.Match}: {e.Message}", e);
            }
            if (result is not bool b)
                throw new RoutingException($"the result of match expression {rule.Match} was not a boolean");
            if (b)
                return rule.Path;
        }
        return null;
    }

    private static object? ToCel(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => ToCel(p.Value)),
        JsonArray a => a.Select(ToCel).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number => v.GetValue<double>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        },
        _ => null,
    };
}

/// <summary>A routing rule could not be evaluated (daprd dead-letters such a message).</summary>
internal sealed class RoutingException(string message, Exception? inner = null) : Exception(message, inner);
