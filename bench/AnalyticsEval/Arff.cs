using System.Text;

namespace ShopDapr.AnalyticsEval;

/// <summary>One ARFF attribute: its name and, when nominal, its values (null when numeric).</summary>
public sealed record ArffAttribute(string Name, IReadOnlyList<string>? Values);

/// <summary>A minimal ARFF reader (dense data, nominal and numeric attributes, quoted values, '?' missing, '%' comments).</summary>
public sealed record Arff(IReadOnlyList<ArffAttribute> Attributes, IReadOnlyList<string?[]> Rows)
{
    public static Arff Read(string path)
    {
        var attributes = new List<ArffAttribute>();
        var rows = new List<string?[]>();
        var data = false;
        foreach (var raw in File.ReadLines(path))
        {
            var line = StripComment(raw).Trim();
            if (line.Length == 0)
                continue;
            if (!data && line.StartsWith("@attribute", StringComparison.OrdinalIgnoreCase))
            {
                var rest = line["@attribute".Length..].Trim();
                var (name, after) = Token(rest);
                after = after.Trim();
                attributes.Add(after.StartsWith('{')
                    ? new ArffAttribute(name, [.. Split(after.Trim('{', '}', ' ')).Select(v => v!)])
                    : new ArffAttribute(name, null));
            }
            else if (line.StartsWith("@data", StringComparison.OrdinalIgnoreCase))
                data = true;
            else if (data)
            {
                var values = Split(line);
                if (values.Count != attributes.Count)
                    throw new InvalidDataException($"{path}: a row has {values.Count} values for {attributes.Count} attributes.");
                rows.Add([.. values]);
            }
        }
        return new Arff(attributes, rows);
    }

    private static string StripComment(string line)
    {
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '\'')
                quoted = !quoted;
            else if (line[i] == '%' && !quoted)
                return line[..i];
        }
        return line;
    }

    private static (string Token, string After) Token(string text)
    {
        if (text.StartsWith('\''))
        {
            var end = text.IndexOf('\'', 1);
            return (text[1..end], text[(end + 1)..]);
        }
        var space = text.IndexOfAny([' ', '\t']);
        return space < 0 ? (text, "") : (text[..space], text[space..]);
    }

    /// <summary>Comma-separated values, quotes removed, '?' as null.</summary>
    private static List<string?> Split(string text)
    {
        var values = new List<string?>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '\'')
                quoted = !quoted;
            else if (c == ',' && !quoted)
            {
                values.Add(Value(current));
                current.Clear();
            }
            else
                current.Append(c);
        }
        values.Add(Value(current));
        return values;
    }

    private static string? Value(StringBuilder text)
    {
        var value = text.ToString().Trim();
        return value == "?" ? null : value;
    }
}
