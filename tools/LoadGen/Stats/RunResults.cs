using ShopDapr.LoadGen.Cli;
using ShopDapr.LoadGen.Mail;

namespace ShopDapr.LoadGen.Stats;

/// <summary>One run's figures, as the closing table shows them and <c>--json</c> writes them.</summary>
public sealed record RunResults(
    string Mode,
    string Target,
    int? Shoppers,
    double? TargetRate,
    double WarmupSeconds,
    double WindowSeconds,
    IReadOnlyList<StepSummary> Steps,
    StepSummary Saga,
    OrderFigures Orders,
    double RequestsPerSecond,
    long RequestErrors,
    long LateArrivals,
    long ArrivalsWithoutShopper,
    bool Drained,
    MachineInfo Machine,
    IReadOnlyList<ProcessCpu> Cpu,
    MailResults? Mail = null)
{
    public static RunResults From(LoadSettings settings, LoadMetrics metrics, long lateArrivals, long withoutShopper, bool drained, MachineInfo machine,
        IReadOnlyList<ProcessCpu>? cpu = null, MailResults? mail = null)
    {
        var window = metrics.Window;
        var inProcess = settings.Mode == LoadMode.InProcess;
        List<StepSummary> steps = inProcess ? [] : metrics.Requests.Select(r => r.Summarize(window)).ToList();
        var saga = metrics.CheckoutToCompleted.Summarize(window);
        var orders = new OrderFigures(metrics.Started, metrics.Completed, metrics.Cancelled, metrics.FailedJourneys,
            metrics.CompletedInWindow, metrics.CancelledInWindow, Percentiles.Rate(metrics.CompletedInWindow, window));
        return new RunResults(
            ModeName(settings.Mode),
            inProcess ? "in-process" : settings.Url.ToString(),
            settings.Mode == LoadMode.OpenLoop ? settings.EffectiveAccounts : settings.EffectiveShoppers,
            settings.Rate,
            settings.WarmupSeconds,
            window.TotalSeconds,
            steps,
            inProcess ? saga with { Step = "saga steps in-process" } : saga,
            orders,
            Percentiles.Rate(steps.Sum(s => s.Count), window),
            steps.Sum(s => s.Errors),
            lateArrivals,
            withoutShopper,
            drained,
            machine,
            cpu ?? [],
            mail);
    }

    public static string ModeName(LoadMode mode) => mode switch
    {
        LoadMode.OpenLoop => "open loop",
        LoadMode.InProcess => "in-process",
        _ => "closed loop",
    };
}

/// <summary>Journeys started, orders seen finished (all, and inside the measured window), and the completed rate in the window.</summary>
public sealed record OrderFigures(long JourneysStarted, long Completed, long Cancelled, long FailedJourneys, long CompletedInWindow, long CancelledInWindow, double CompletedPerSecond);

/// <summary>Where the run ran: the figures mean little without the machine and how busy it was.</summary>
public sealed record MachineInfo(DateTimeOffset StartedAt, int ProcessorCount, string? LoadAverageBefore, string? LoadAverageAfter)
{
    /// <summary>The 1-, 5- and 15-minute load averages from /proc/loadavg (Linux); null elsewhere.</summary>
    public static string? LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;
}
