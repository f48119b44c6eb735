using System.Globalization;

namespace ShopDapr.LoadGen.Stats;

/// <summary>One process as Linux's <c>/proc/{pid}/stat</c> shows it: CPU ticks (user + system, 1/100 s) and resident memory.</summary>
public sealed record ProcStat(int Pid, int ParentPid, string Name, long Ticks, long RssBytes);

/// <summary>Reads the processes of a shop from <c>/proc</c>: a root (the dev sidecar's <c>run</c>), its children and this process.</summary>
public static class ProcFs
{
    public const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux ABI .NET runs on

    /// <summary>The name this process goes by in reports.</summary>
    public const string Self = "load generator (this process)";

    /// <summary>
    /// <paramref name="rootPid"/>, every process under it (children, their children: a script's servers and the dev
    /// sidecar's apps) and this process; empty where there is no /proc.
    /// </summary>
    public static IReadOnlyList<ProcStat> Family(int rootPid)
    {
        if (!Directory.Exists("/proc"))
            return [];
        var all = new List<ProcStat>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Read(pid) is { } stat)
                all.Add(stat);
        }
        var children = all.ToLookup(p => p.ParentPid);
        var family = new List<ProcStat>();
        var next = new Queue<ProcStat>(all.Where(p => p.Pid == rootPid));
        while (next.TryDequeue(out var p))
        {
            family.Add(p);
            foreach (var child in children[p.Pid])
                next.Enqueue(child);
        }
        if (family.All(p => p.Pid != Environment.ProcessId) && all.FirstOrDefault(p => p.Pid == Environment.ProcessId) is { } self)
            family.Add(self);
        return [.. family.Select(p => p.Pid == Environment.ProcessId ? p with { Name = Self } : p)];
    }

    /// <summary>One process, named by the .dll it runs (else its command name); null when it is gone.</summary>
    public static ProcStat? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // pid (comm) state ppid ... utime(14) stime(15) ... rss(24): the comm may hold spaces, so count from its closing bracket.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            var rss = long.Parse(fields[21], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
            var args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            var dll = args.FirstOrDefault(a => a.EndsWith(".dll", StringComparison.Ordinal));
            var name = dll is null ? stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')] : Path.GetFileNameWithoutExtension(dll);
            return new ProcStat(pid, int.Parse(fields[1], CultureInfo.InvariantCulture), name, ticks, rss);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the process ended between listing and reading
        }
    }
}
