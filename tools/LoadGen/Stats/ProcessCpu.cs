namespace ShopDapr.LoadGen.Stats;

/// <summary>CPU seconds one process used in the measured window, and per order completed in it.</summary>
public sealed record ProcessCpu(string Process, double CpuSeconds, double? MsPerOrder);

/// <summary>
/// <c>--watch-pid</c>: the CPU time a process and its children (the dev sidecar's <c>run</c> and every app it started)
/// use during the measured window, and this process's own, read from Linux's <c>/proc/{pid}/stat</c> (user + system, in clock ticks of 1/100 s)
/// when the window opens and when it closes. Tells which process the time goes to, whatever else runs on the machine.
/// </summary>
public sealed class ProcessCpuSampler(int rootPid)
{
    private Dictionary<int, (string Name, long Ticks)>? _atOpen;
    private Dictionary<int, (string Name, long Ticks)>? _atClose;

    public void WindowOpened() => _atOpen = Sample();

    public void WindowClosed() => _atClose = Sample();

    /// <summary>Per process (largest first) and the total; empty when either sample is missing (not Linux, process gone).</summary>
    public IReadOnlyList<ProcessCpu> Report(long ordersCompleted)
    {
        if (_atOpen is null || _atClose is null)
            return [];
        var used = _atClose
            .Select(c => (c.Value.Name, Seconds: (c.Value.Ticks - (_atOpen.TryGetValue(c.Key, out var o) ? o.Ticks : 0)) / ProcFs.TicksPerSecond))
            .GroupBy(p => p.Name, (name, ps) => (Name: name, Seconds: ps.Sum(p => p.Seconds)))
            .OrderByDescending(p => p.Seconds)
            .ToList();
        double? PerOrder(double seconds) => ordersCompleted > 0 ? 1000 * seconds / ordersCompleted : null;
        return [.. used.Select(p => new ProcessCpu(p.Name, p.Seconds, PerOrder(p.Seconds))),
            new ProcessCpu("total, shop only", Shop(used), PerOrder(Shop(used)))];
    }

    private static double Shop(IEnumerable<(string Name, double Seconds)> used) =>
        used.Where(p => p.Name != ProcFs.Self).Sum(p => p.Seconds);

    private Dictionary<int, (string Name, long Ticks)> Sample() =>
        ProcFs.Family(rootPid).ToDictionary(p => p.Pid, p => (p.Name, p.Ticks));
}
