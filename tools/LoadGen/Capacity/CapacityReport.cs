using System.Globalization;
using System.Text;

namespace ShopDapr.LoadGen.Capacity;

/// <summary>The capacity model's tables, in Markdown (they go into bench/RESULTS.md and the README as they are).</summary>
public static class CapacityReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Costs(IReadOnlyList<AppScaling> apps, IReadOnlyDictionary<string, AppCost> costs)
    {
        var text = new StringBuilder();
        text.AppendLine("| app | CPU per order: app + its sidecar share | pod CPU request (app + sidecar) | autoscaler | min–max replicas |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var a in apps)
        {
            var c = costs.GetValueOrDefault(a.App) ?? new AppCost(a.App, 0, 0);
            var cpuTarget = string.Create(Invariant, $"CPU {a.CpuTarget * 100:0} %");
            var scaler = a.Queues.Count > 0
                ? $"KEDA: {string.Join(", ", a.Queues.Select(q => string.Create(Invariant, $"{q.Queue} {q.MessagesPerReplica:0}/replica")))}{(a.CpuTarget > 0 ? $", {cpuTarget}" : "")}"
                : a.CpuTarget > 0 ? $"HPA: {cpuTarget}" : "none";
            text.AppendLine(Invariant, $"| {a.App} | {Ms(c.Seconds)} ({Ms(c.AppSeconds)} + {Ms(c.SidecarSeconds)}) | {Milli(a.AppCpuRequest)} + {Milli(a.SidecarCpuRequest)} | {scaler} | {a.MinReplicas}–{a.MaxReplicas} |");
        }
        return text.ToString();
    }

    public static string Table(IReadOnlyList<ShopCapacity> plans, double nodeCores)
    {
        var text = new StringBuilder();
        text.Append("| app |");
        foreach (var p in plans)
            text.Append(Invariant, $" {p.OrdersPerSecond:N0} orders/s: replicas |");
        text.AppendLine().Append("|---|").AppendLine(string.Concat(plans.Select(_ => "---|")));
        foreach (var app in plans[0].Apps.Select(a => a.App))
        {
            text.Append(Invariant, $"| {app} |");
            foreach (var p in plans)
            {
                var a = p.Apps.Single(x => x.App == app);
                text.Append(a.OverMax ? string.Create(Invariant, $" **{a.Replicas}** (max {a.MaxReplicas}) |") : string.Create(Invariant, $" {a.Replicas} |"));
            }
            text.AppendLine();
        }
        Row(text, "pods (apps), each with its sidecar", plans, p => p.Pods.ToString(Invariant));
        Row(text, "CPU used by the shop (cores)", plans, p => p.UsedCores.ToString("0.0", Invariant));
        Row(text, "CPU requested, apps + sidecars + control plane (cores)", plans, p => p.RequestedCores.ToString("0.0", Invariant));
        Row(text, $"nodes of {nodeCores:0} cores", plans, p => p.Nodes.ToString(Invariant));
        return text.ToString();
    }

    /// <summary>The day, hour by hour, then the flash sale minute by minute.</summary>
    public static string Day(IReadOnlyList<Moment> moments, IReadOnlyList<AppScaling> apps, TrafficCurve curve)
    {
        var text = new StringBuilder();
        text.AppendLine("| time | offered orders/s | served orders/s (the slowest app) | replicas (" + string.Join(" / ", apps.Select(a => a.App)) + ") | CPU requested (cores) | orders waiting (worst app) |");
        text.AppendLine("|---|---|---|---|---|---|");
        var sale = moments.Where(m => m.At >= curve.SaleStart - TimeSpan.FromMinutes(1) && m.At < curve.SaleStart + curve.SaleLength + TimeSpan.FromMinutes(10)
            && m.At.Seconds == 0);
        var hourly = moments.Where(m => m.At.Minutes == 0 && m.At.Seconds == 0);
        foreach (var m in hourly.Concat(sale).DistinctBy(m => m.At).OrderBy(m => m.At))
        {
            var requested = m.Apps.Select((a, i) => a.Replicas * apps[i].PodCpuRequest).Sum();
            var waiting = m.Apps.Select((a, i) => (a.Backlog, apps[i].App)).MaxBy(x => x.Backlog);
            text.AppendLine(Invariant,
                $"| {m.At:hh\\:mm} | {m.Offered:0} | {m.Served:0} | {string.Join(" / ", m.Apps.Select(a => a.Replicas))} | {requested:0.0} | {(waiting.Backlog < 0.5 ? "0" : $"{waiting.Backlog:N0} ({waiting.App})")} |");
        }
        return text.ToString();
    }

    /// <summary>What queued over the day: per app, its most replicas, its longest queue and the order-seconds waited.</summary>
    public static string Summary(IReadOnlyList<Moment> moments, IReadOnlyList<AppScaling> apps, TimeSpan step)
    {
        var text = new StringBuilder();
        var offered = moments.Sum(m => m.Offered) * step.TotalSeconds;
        text.AppendLine("| app | most replicas | longest queue (orders) | minutes with a queue | extra wait, mean over the day's orders |");
        text.AppendLine("|---|---|---|---|---|");
        for (var i = 0; i < apps.Count; i++)
        {
            var series = moments.Select(m => m.Apps[i]).ToList();
            var waited = series.Sum(a => a.Backlog) * step.TotalSeconds;
            var queued = series.Count(a => a.Backlog >= 1) * step.TotalMinutes;
            text.AppendLine(Invariant,
                $"| {apps[i].App} | {series.Max(a => a.Replicas)} | {series.Max(a => a.Backlog):N0} | {queued:0.#} | {(offered > 0 ? waited / offered * 1000 : 0):0.##} ms |");
        }
        text.AppendLine(Invariant, $"\n{offered:N0} orders offered over the day; still queued at its end: {moments[^1].Backlog:N0}.");
        return text.ToString();
    }

    private static void Row(StringBuilder text, string name, IReadOnlyList<ShopCapacity> plans, Func<ShopCapacity, string> cell)
    {
        text.Append(Invariant, $"| {name} |");
        foreach (var p in plans)
            text.Append(Invariant, $" {cell(p)} |");
        text.AppendLine();
    }

    private static string Ms(double seconds) => (seconds * 1000).ToString("0.0", Invariant) + " ms";

    private static string Milli(double cores) => (cores * 1000).ToString("0", Invariant) + "m";
}
