using System.Globalization;

namespace ShopDapr.LoadGen.Sampling;

/// <summary>The <c>--samples</c> file: fixed columns, then <c>rss_mb_{process}</c> and <c>cpu_pct_{process}</c> per process; empty = no value.</summary>
public sealed class SamplesCsv
{
    public static readonly IReadOnlyList<string> FixedColumns =
    [
        "t_s", "interval_s", "orders", "orders_per_s", "saga_p95_ms",
        "mail_lag_p50_ms", "mail_lag_p95_ms", "mail_lag_p99_ms", "mail_lag_max_ms", "mail_pending_orders", "mail_oldest_pending_s",
    ];

    private SamplesCsv(IReadOnlyList<string> columns, IReadOnlyList<double?[]> rows) => (Columns, Rows) = (columns, rows);

    public IReadOnlyList<string> Columns { get; }

    public IReadOnlyList<double?[]> Rows { get; }

    /// <summary>The processes that have an RSS column, in the file's order.</summary>
    public IReadOnlyList<string> Processes => [.. Columns.Where(c => c.StartsWith("rss_mb_", StringComparison.Ordinal)).Select(c => c["rss_mb_".Length..])];

    /// <summary>One column's values, row by row (null where the row has none); an unknown column throws, naming it.</summary>
    public double?[] Column(string name)
    {
        var index = Columns.ToList().IndexOf(name);
        if (index < 0)
            throw new FormatException($"the samples have no column '{name}' (columns: {string.Join(", ", Columns)})");
        return [.. Rows.Select(r => r[index])];
    }

    public static SamplesCsv Parse(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0)
            throw new FormatException("the samples file is empty (no header)");
        var columns = lines[0].Split(',');
        if (!FixedColumns.SequenceEqual(columns.Take(FixedColumns.Count)))
            throw new FormatException($"the header does not start with {string.Join(',', FixedColumns)}");
        var rows = new List<double?[]>();
        for (var i = 1; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',');
            if (cells.Length != columns.Length)
                throw new FormatException($"line {i + 1} has {cells.Length} values, the header {columns.Length}");
            rows.Add([.. cells.Select((c, j) => c.Length == 0 ? (double?)null
                : double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                : throw new FormatException($"line {i + 1}, column {columns[j]}: '{c}' is not a number"))]);
        }
        return new SamplesCsv(columns, rows);
    }
}
