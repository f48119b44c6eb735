using System.Globalization;
using ShopDapr.LoadGen.Stats;
using Spectre.Console;

namespace ShopDapr.LoadGen.Output;

/// <summary>
/// Shows the run while it goes: a table refreshed every second on a terminal, one line every five seconds when the
/// output is redirected (a log file, CI).
/// </summary>
internal static class LiveProgress
{
    public static async Task<T> ShowAsync<T>(IAnsiConsole console, LoadMetrics metrics, TimeProvider time, Func<Task<T>> run)
    {
        var started = time.GetTimestamp();
        var task = run();
        if (console.Profile.Capabilities.Interactive)
        {
            await console.Live(Render(metrics, time.GetElapsedTime(started))).StartAsync(async ctx =>
            {
                while (!task.IsCompleted)
                {
                    await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(1), time));
                    ctx.UpdateTarget(Render(metrics, time.GetElapsedTime(started)));
                }
            });
        }
        else
        {
            while (!task.IsCompleted)
            {
                await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(5), time));
                if (!task.IsCompleted)
                    console.WriteLine(Line(metrics, time.GetElapsedTime(started)));
            }
        }
        return await task;
    }

    private static Table Render(LoadMetrics metrics, TimeSpan elapsed)
    {
        var table = new Table().AddColumn("elapsed").AddColumn("phase").AddColumn("journeys").AddColumn("completed")
            .AddColumn("cancelled").AddColumn("failed").AddColumn("completed/s (window)").AddColumn("p95 checkout→Completed");
        table.AddRow(Seconds(elapsed), Phase(metrics), N(metrics.Started), N(metrics.Completed), N(metrics.Cancelled), N(metrics.FailedJourneys),
            Rate(metrics), P95(metrics));
        return table;
    }

    private static string Line(LoadMetrics metrics, TimeSpan elapsed) =>
        $"{Seconds(elapsed)} {Phase(metrics)}: {metrics.Started} journeys, {metrics.Completed} completed, {metrics.Cancelled} cancelled, " +
        $"{metrics.FailedJourneys} failed; {Rate(metrics)} completed/s, p95 checkout→Completed {P95(metrics)}";

    private static string Phase(LoadMetrics metrics) =>
        metrics.WindowIsOpen ? "measuring" : metrics.Window > TimeSpan.Zero ? "draining" : "warming up";

    private static string Rate(LoadMetrics metrics) =>
        Percentiles.Rate(metrics.CompletedInWindow, metrics.Window).ToString("0.0", CultureInfo.InvariantCulture);

    private static string P95(LoadMetrics metrics) =>
        metrics.CheckoutToCompleted.Summarize(metrics.Window).P95Ms is { } p ? $"{p:0} ms" : "-";

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan elapsed) => $"{elapsed.TotalSeconds:0}s";
}
