using System.Globalization;
using System.Text.RegularExpressions;

namespace ShopDapr.DevSidecar.Resiliency;

/// <summary>The counts a circuit breaker keeps, as daprd passes them to its <c>trip</c> expression.</summary>
public readonly record struct BreakerCounts(
    long Requests, long TotalSuccesses, long TotalFailures, long ConsecutiveSuccesses, long ConsecutiveFailures);

/// <summary>
/// A circuit breaker's <c>trip</c> condition. daprd evaluates a CEL expression over <c>requests</c>, <c>totalSuccesses</c>,
/// <c>totalFailures</c>, <c>consecutiveSuccesses</c> and <c>consecutiveFailures</c>; the documented forms are comparisons
/// such as <c>consecutiveFailures &gt; 5</c>. This reads comparisons (<c>&gt; &gt;= &lt; &lt;= == !=</c>) of those
/// counts with whole numbers, joined by <c>&amp;&amp;</c> / <c>||</c> and grouped with parentheses; anything else is rejected.
/// </summary>
public sealed partial class TripExpression
{
    public static readonly TripExpression Default = Parse("consecutiveFailures > 5");

    private static readonly string[] Variables =
        ["requests", "totalSuccesses", "totalFailures", "consecutiveSuccesses", "consecutiveFailures"];

    private readonly Func<BreakerCounts, bool> _eval;

    private TripExpression(string text, Func<BreakerCounts, bool> eval)
    {
        Text = text;
        _eval = eval;
    }

    public string Text { get; }

    public bool Evaluate(BreakerCounts counts) => _eval(counts);

    public override string ToString() => Text;

    [GeneratedRegex(@"\s*(&&|\|\||>=|<=|==|!=|>|<|\(|\)|[A-Za-z_][A-Za-z0-9_]*|-?[0-9]+)", RegexOptions.CultureInvariant)]
    private static partial Regex Token();

    /// <exception cref="FormatException">The text is not a supported trip expression; the message says why.</exception>
    public static TripExpression Parse(string text)
    {
        var tokens = new List<string>();
        var rest = text.TrimEnd();
        var at = 0;
        while (at < rest.Length)
        {
            var m = Token().Match(rest, at);
            if (!m.Success || m.Index != at)
                throw new FormatException($"unexpected '{rest[at..].Trim()}'");
            tokens.Add(m.Groups[1].Value);
            at += m.Length;
        }
        if (tokens.Count == 0)
            throw new FormatException("is empty");
        var parser = new Parser(tokens);
        var eval = parser.Or();
        if (parser.Position != tokens.Count)
            throw new FormatException($"unexpected '{tokens[parser.Position]}'");
        return new TripExpression(text.Trim(), eval);
    }

    private sealed class Parser(List<string> tokens)
    {
        public int Position { get; private set; }

        private string? Peek => Position < tokens.Count ? tokens[Position] : null;

        private string Next() => Position < tokens.Count
            ? tokens[Position++]
            : throw new FormatException("ends too early; expected a comparison such as consecutiveFailures > 5");

        public Func<BreakerCounts, bool> Or()
        {
            var left = And();
            while (Peek == "||")
            {
                Position++;
                var l = left;
                var r = And();
                left = c => l(c) || r(c);
            }
            return left;
        }

        private Func<BreakerCounts, bool> And()
        {
            var left = Comparison();
            while (Peek == "&&")
            {
                Position++;
                var l = left;
                var r = Comparison();
                left = c => l(c) && r(c);
            }
            return left;
        }

        private Func<BreakerCounts, bool> Comparison()
        {
            if (Peek == "(")
            {
                Position++;
                var inner = Or();
                if (Next() != ")")
                    throw new FormatException("missing ')'");
                return inner;
            }
            var left = Operand();
            var op = Next();
            var right = Operand();
            return op switch
            {
                ">" => c => left(c) > right(c),
                ">=" => c => left(c) >= right(c),
                "<" => c => left(c) < right(c),
                "<=" => c => left(c) <= right(c),
                "==" => c => left(c) == right(c),
                "!=" => c => left(c) != right(c),
                _ => throw new FormatException($"'{op}' is not a comparison (use >, >=, <, <=, == or !=)"),
            };
        }

        private Func<BreakerCounts, long> Operand()
        {
            var token = Next();
            if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                return _ => n;
            return token switch
            {
                "requests" => c => c.Requests,
                "totalSuccesses" => c => c.TotalSuccesses,
                "totalFailures" => c => c.TotalFailures,
                "consecutiveSuccesses" => c => c.ConsecutiveSuccesses,
                "consecutiveFailures" => c => c.ConsecutiveFailures,
                _ => throw new FormatException($"'{token}' is not one of {string.Join(", ", Variables)} or a whole number"),
            };
        }
    }
}
