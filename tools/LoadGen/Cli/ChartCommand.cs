using System.CommandLine;
using ShopDapr.LoadGen.Charts;
using ShopDapr.LoadGen.Sampling;

namespace ShopDapr.LoadGen.Cli;

/// <summary><c>shopdapr-load chart samples.csv out.svg</c>: the soak benchmark's chart from a <c>--samples</c> file.</summary>
public static class ChartCommand
{
    public static Command Create()
    {
        var samples = new Argument<FileInfo>("samples") { Description = "A --samples CSV file" };
        var svg = new Argument<FileInfo>("svg") { Description = "The SVG file to write" };
        var title = new Option<string>("--title") { Description = "The chart's title", DefaultValueFactory = _ => "ShopDapr soak" };
        var command = new Command("chart", "Draw orders/s, RSS per process and e-mail lag over time from a --samples file (SVG)") { samples, svg, title };
        command.SetAction(async (parse, ct) =>
        {
            var input = parse.GetValue(samples)!;
            var output = parse.GetValue(svg)!;
            SamplesCsv parsed;
            try
            {
                parsed = SamplesCsv.Parse(await File.ReadAllTextAsync(input.FullName, ct));
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {input.FullName}: {e.Message}");
                return LoadGenCommand.BadArguments;
            }
            await using (var stream = File.Create(output.FullName))
                SoakChart.WriteSvg(SoakChart.Build(parsed, parse.GetValue(title)!), stream);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"wrote {output.FullName} ({parsed.Rows.Count} samples, {parsed.Processes.Count} processes)");
            return 0;
        });
        return command;
    }
}
