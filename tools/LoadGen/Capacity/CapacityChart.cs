using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace ShopDapr.LoadGen.Capacity;

/// <summary>The simulated day as a chart: offered and served orders/s, each app's replicas, the orders waiting.</summary>
public static class CapacityChart
{
    public static PlotModel Build(IReadOnlyList<Moment> moments, IReadOnlyList<AppScaling> apps, string title)
    {
        var model = new PlotModel { Title = title, Background = OxyColors.White };
        model.Legends.Add(new Legend { LegendPlacement = LegendPlacement.Outside, LegendPosition = LegendPosition.RightMiddle, LegendFontSize = 11 });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "hour of the day", Minimum = 0, Maximum = 24, MajorStep = 2, MajorGridlineStyle = LineStyle.Dot });
        model.Axes.Add(Panel("rate", "orders/s", 0.68, 1.00));
        model.Axes.Add(Panel("replicas", "replicas", 0.34, 0.64));
        model.Axes.Add(Panel("queue", "orders waiting", 0.00, 0.30));
        var hours = moments.Select(m => m.At.TotalHours).ToArray();
        model.Series.Add(Line("offered orders/s", "rate", hours, moments.Select(m => m.Offered)));
        model.Series.Add(Line("served orders/s", "rate", hours, moments.Select(m => m.Served)));
        for (var i = 0; i < apps.Count; i++)
        {
            var app = i;
            model.Series.Add(Line($"{apps[i].App} replicas", "replicas", hours, moments.Select(m => (double)m.Apps[app].Replicas)));
        }
        model.Series.Add(Line("orders waiting (worst app)", "queue", hours, moments.Select(m => m.Backlog)));
        return model;
    }

    public static void WriteSvg(PlotModel model, Stream output) => new SvgExporter { Width = 1200, Height = 900 }.Export(model, output);

    private static LinearAxis Panel(string key, string title, double start, double end) => new()
    {
        Position = AxisPosition.Left, Key = key, Title = title, StartPosition = start, EndPosition = end, Minimum = 0,
        MajorGridlineStyle = LineStyle.Dot, MaximumPadding = 0.1,
    };

    private static LineSeries Line(string title, string axis, double[] x, IEnumerable<double> y)
    {
        var series = new LineSeries { Title = title, YAxisKey = axis, StrokeThickness = 1.5 };
        series.Points.AddRange(x.Zip(y, (px, py) => new DataPoint(px, py)));
        return series;
    }
}
