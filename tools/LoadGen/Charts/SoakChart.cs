using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;
using ShopDapr.LoadGen.Sampling;

namespace ShopDapr.LoadGen.Charts;

/// <summary>
/// The soak benchmark's chart, drawn by OxyPlot from a <c>--samples</c> file: three panels over the same time axis —
/// orders completed/s, the resident memory of every process, and the e-mail lag (p95, p99) against issue 16's 5 s limit.
/// </summary>
public static class SoakChart
{
    public const double LagLimitSeconds = 5;

    public static PlotModel Build(SamplesCsv samples, string title)
    {
        var model = new PlotModel { Title = title, Background = OxyColors.White };
        model.Legends.Add(new Legend { LegendPlacement = LegendPlacement.Outside, LegendPosition = LegendPosition.RightMiddle, LegendFontSize = 11 });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "minutes into the measured window", MajorGridlineStyle = LineStyle.Dot });
        model.Axes.Add(Panel("rate", "orders/s", 0.70, 1.00));
        model.Axes.Add(Panel("rss", "RSS (MB)", 0.36, 0.66));
        model.Axes.Add(Panel("lag", "e-mail lag (s)", 0.00, 0.32));

        var minutes = samples.Column("t_s").Select(t => t / 60).ToArray();
        model.Series.Add(Line("orders/s", "rate", minutes, samples.Column("orders_per_s")));
        foreach (var process in samples.Processes)
            model.Series.Add(Line($"RSS {process}", "rss", minutes, samples.Column($"rss_mb_{process}")));
        model.Series.Add(Line("e-mail lag p95", "lag", minutes, samples.Column("mail_lag_p95_ms").Select(v => v / 1000).ToArray()));
        model.Series.Add(Line("e-mail lag p99", "lag", minutes, samples.Column("mail_lag_p99_ms").Select(v => v / 1000).ToArray()));
        model.Annotations.Add(new LineAnnotation
        {
            Type = LineAnnotationType.Horizontal, Y = LagLimitSeconds, YAxisKey = "lag", Color = OxyColors.Red, LineStyle = LineStyle.Dash,
            Text = $"p99 limit {LagLimitSeconds:0} s",
        });
        return model;
    }

    /// <summary>Writes the chart as SVG.</summary>
    public static void WriteSvg(PlotModel model, Stream output, int width = 1200, int height = 900) =>
        new SvgExporter { Width = width, Height = height }.Export(model, output);

    private static LinearAxis Panel(string key, string title, double start, double end) => new()
    {
        Position = AxisPosition.Left, Key = key, Title = title, StartPosition = start, EndPosition = end, Minimum = 0,
        MajorGridlineStyle = LineStyle.Dot, MaximumPadding = 0.1,
    };

    private static LineSeries Line(string title, string axis, double?[] x, double?[] y)
    {
        var series = new LineSeries { Title = title, YAxisKey = axis, MarkerType = MarkerType.Circle, MarkerSize = 2 };
        for (var i = 0; i < x.Length; i++)
        {
            if (x[i] is { } px && y[i] is { } py)
                series.Points.Add(new DataPoint(px, py));
        }
        return series;
    }
}
