using System.Globalization;
using ShopDapr.LoadGen.Stats;
using Spectre.Console;

namespace ShopDapr.LoadGen.Output;

/// <summary>The closing table: per step requests/s, p50/p95/p99 and errors, then the orders.</summary>
internal static class ResultsTable
{
    public static void Write(IAnsiConsole console, RunResults results)
    {
        var title = results.Mode switch
        {
            "open loop" => $"open loop at {Number(results.TargetRate ?? 0)} orders/s ({results.Shoppers} accounts)",
            "in-process" => $"saga steps in-process, {results.Shoppers} workers",
            _ => $"closed loop, {results.Shoppers} shoppers",
        };
        var table = new Table().Title($"{title}, {results.WindowSeconds:0.0} s measured after {results.WarmupSeconds:0} s warm-up")
            .AddColumn("step").AddColumn(new TableColumn("count").RightAligned()).AddColumn(new TableColumn("per s").RightAligned())
            .AddColumn(new TableColumn("p50 ms").RightAligned()).AddColumn(new TableColumn("p95 ms").RightAligned())
            .AddColumn(new TableColumn("p99 ms").RightAligned()).AddColumn(new TableColumn("max ms").RightAligned())
            .AddColumn(new TableColumn("errors").RightAligned());
        foreach (var step in results.Steps.Append(results.Saga))
        {
            table.AddRow(Markup.Escape(step.Step), step.Count.ToString("N0", CultureInfo.InvariantCulture), Number(step.PerSecond),
                Ms(step.P50Ms), Ms(step.P95Ms), Ms(step.P99Ms), Ms(step.MaxMs), step.Errors.ToString("N0", CultureInfo.InvariantCulture));
        }
        console.Write(table);

        var o = results.Orders;
        console.MarkupLine(CultureInfo.InvariantCulture, "[bold]orders completed/s: {0}[/]  ({1} completed, {2} cancelled in the window; {3} journeys started, {4} failed)",
            Number(o.CompletedPerSecond), o.CompletedInWindow, o.CancelledInWindow, o.JourneysStarted, o.FailedJourneys);
        console.MarkupLine(CultureInfo.InvariantCulture, "requests/s: {0}, request errors: {1}", Number(results.RequestsPerSecond), results.RequestErrors);
        if (results.LateArrivals > 0 || results.ArrivalsWithoutShopper > 0)
            console.MarkupLine(CultureInfo.InvariantCulture, "[yellow]arrivals started late: {0}; arrivals with no idle shopper (dropped): {1}[/]", results.LateArrivals, results.ArrivalsWithoutShopper);
        if (!results.Drained)
            console.MarkupLine("[yellow]some journeys were still running when the run stopped waiting for them[/]");
        foreach (var step in results.Steps.Append(results.Saga).Where(s => s.FirstErrors.Count > 0))
            console.MarkupLine(CultureInfo.InvariantCulture, "[red]{0}[/]: {1}", Markup.Escape(step.Step), Markup.Escape(string.Join(" | ", step.FirstErrors)));
        if (results.Cpu.Count > 0)
        {
            var cpu = new Table().Title("CPU in the measured window").AddColumn("process").AddColumn(new TableColumn("CPU s").RightAligned())
                .AddColumn(new TableColumn("ms per completed order").RightAligned());
            foreach (var p in results.Cpu)
                cpu.AddRow(Markup.Escape(p.Process), Number(p.CpuSeconds), Ms(p.MsPerOrder));
            console.Write(cpu);
        }
        if (results.Mail is { } mail)
            WriteMail(console, mail);
        console.MarkupLine(CultureInfo.InvariantCulture, "[grey]{0} cores, load average {1} before, {2} after[/]",
            results.Machine.ProcessorCount, results.Machine.LoadAverageBefore ?? "?", results.Machine.LoadAverageAfter ?? "?");
    }

    private static void WriteMail(IAnsiConsole console, Mail.MailResults mail)
    {
        var table = new Table().Title("completion → its e-mails written (orders completed in the window)").AddColumn(new TableColumn("orders").RightAligned())
            .AddColumn(new TableColumn("p50 ms").RightAligned()).AddColumn(new TableColumn("p95 ms").RightAligned())
            .AddColumn(new TableColumn("p99 ms").RightAligned()).AddColumn(new TableColumn("max ms").RightAligned());
        table.AddRow(mail.MeasuredOrders.ToString("N0", CultureInfo.InvariantCulture), Ms(mail.LagP50Ms), Ms(mail.LagP95Ms), Ms(mail.LagP99Ms), Ms(mail.LagMaxMs));
        console.Write(table);
        if (mail.AllWrittenSecondsAfterLoadStopped is { } after)
            console.MarkupLine(CultureInfo.InvariantCulture, "[bold]every completed order's e-mails written within {0} s of the load stopping[/] ({1:N0} orders)", Number(after), mail.OrdersCompleted);
        else
            console.MarkupLine(CultureInfo.InvariantCulture, "[red]{0:N0} of {1:N0} completed orders still lack e-mails {2} s after the load stopped[/] ({3})",
                mail.OrdersCompleted - mail.OrdersWithAllEmails, mail.OrdersCompleted, Number(mail.WaitedSeconds), Markup.Escape(mail.Folder));
    }

    private static string Number(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Ms(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "-";
}
