using System.CommandLine;
using System.Xml.Linq;
using ShopDapr.LoadGen.Cli;
using ShopDapr.LoadGen.Sampling;

namespace ShopDapr.LoadGen.Tests;

public sealed class ChartCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("loadgen-chart-").FullName;

    [Fact]
    public async Task The_chart_of_a_samples_file_is_an_svg_with_a_series_per_measure_and_process()
    {
        var header = string.Join(',', SamplesCsv.FixedColumns) + ",rss_mb_DevSidecar,cpu_pct_DevSidecar,rss_mb_Ordering,cpu_pct_Ordering";
        var samples = Path.Combine(_dir, "samples.csv");
        await File.WriteAllLinesAsync(samples,
        [
            header,
            "30.0,30.0,1500,50.00,900,300,800,1200,1500,12,0.8,400.0,80.0,200.0,40.0",
            "60.0,30.0,1470,49.00,950,320,850,1300,1600,10,0.7,410.0,79.0,205.0,41.0",
            "75.0,15.0,700,46.67,980,,,,,0,,415.0,78.0,,",
        ], TestContext.Current.CancellationToken);
        var svg = Path.Combine(_dir, "out.svg");

        var (exit, error) = await RunAsync("chart", samples, svg, "--title", "shakedown");

        Assert.True(exit == 0, error);
        var text = await File.ReadAllTextAsync(svg, TestContext.Current.CancellationToken);
        var root = XDocument.Parse(text).Root!;
        Assert.Equal("svg", root.Name.LocalName);
        foreach (var legend in new[] { "shakedown", "orders/s", "RSS DevSidecar", "RSS Ordering", "e-mail lag p95", "e-mail lag p99", "p99 limit 5 s" })
            Assert.Contains(legend, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_a_samples_file_is_named_and_the_exit_code_is_1()
    {
        var bad = Path.Combine(_dir, "bad.csv");
        await File.WriteAllTextAsync(bad, "a,b\n1,2\n", TestContext.Current.CancellationToken);

        var (exit, error) = await RunAsync("chart", bad, Path.Combine(_dir, "out.svg"));

        Assert.Equal(LoadGenCommand.BadArguments, exit);
        Assert.Contains("bad.csv", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "out.svg")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await LoadGenCommand.RunAsync(args, new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return (exit, error.ToString());
    }
}
