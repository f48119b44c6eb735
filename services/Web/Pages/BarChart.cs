using System.Globalization;

namespace ShopDapr.Web.Pages;

/// <summary>
/// A horizontal bar chart drawn on the server as inline SVG (<c>_BarChart</c>): one bar per figure, each as long as its
/// share of <see cref="Scale"/>. The SVG is an image with a title; the page gives the same figures in a table beside it.
/// </summary>
public sealed record BarChart(string Id, string Title, IReadOnlyList<Bar> Bars, double? FixedScale = null)
{
    public const int Width = 640;
    public const int LabelWidth = 220;
    public const int BarArea = 340;
    public const int RowHeight = 28;

    public int Height => Math.Max(1, Bars.Count) * RowHeight + 8;

    /// <summary>What a full-length bar stands for: the fixed scale (1 for a rate), else the largest figure.</summary>
    public double Scale => FixedScale ?? Math.Max(Bars.Select(b => b.Value).DefaultIfEmpty(0).Max(), double.Epsilon);

    public double LengthOf(Bar bar) => Math.Round(Math.Clamp(bar.Value / Scale, 0, 1) * BarArea, 1);

    public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>A label cut to fit its column (the table beside the chart has it whole).</summary>
    public static string Fit(string label) => label.Length <= 30 ? label : string.Concat(label.AsSpan(0, 29), "…");
}

/// <summary>One bar: its label, its figure, and the figure as the chart writes it.</summary>
public sealed record Bar(string Label, double Value, string Display);
