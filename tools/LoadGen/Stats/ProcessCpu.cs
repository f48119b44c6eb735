using System.Globalization;

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
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux ABI .NET runs on
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
            .Select(c => (c.Value.Name, Seconds: (c.Value.Ticks - (_atOpen.TryGetValue(c.Key, out var o) ? o.Ticks : 0)) / TicksPerSecond))
            .GroupBy(p => p.Name, (name, ps) => (Name: name, Seconds: ps.Sum(p => p.Seconds)))
            .OrderByDescending(p => p.Seconds)
            .ToList();
        double? PerOrder(double seconds) => ordersCompleted > 0 ? 1000 * seconds / ordersCompleted : null;
        return [.. used.Select(p => new ProcessCpu(p.Name, p.Seconds, PerOrder(p.Seconds))),
            new ProcessCpu("total, shop only", Shop(used), PerOrder(Shop(used)))];
    }

    private static double Shop(IEnumerable<(string Name, double Seconds)> used) =>
        used.Where(p => !p.Name.StartsWith("load generator", StringComparison.Ordinal)).Sum(p => p.Seconds);

    private Dictionary<int, (string Name, long Ticks)> Sample()
    {
        var sample = new Dictionary<int, (string, long)>();
        if (!Directory.Exists("/proc"))
            return sample;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            if (Read(pid) is { } stat && (pid == rootPid || stat.ParentPid == rootPid || pid == Environment.ProcessId))
                sample[pid] = (pid == Environment.ProcessId ? "load generator (this process)" : stat.Name, stat.Ticks);
        }
        return sample;
    }

    private static (int ParentPid, long Ticks, string Name)? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // pid (comm) state ppid ... utime(14) stime(15): the comm may hold spaces, so count from its closing bracket.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            var args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            var dll = args.FirstOrDefault(a => a.EndsWith(".dll", StringComparison.Ordinal));
            var name = dll is null ? stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')] : Path.GetFileNameWithoutExtension(dll);
            return (int.Parse(fields[1], CultureInfo.InvariantCulture), ticks, name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the process ended between listing and reading
        }
    }
}
