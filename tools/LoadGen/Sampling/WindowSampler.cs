using System.Globalization;
using ShopDapr.LoadGen.Stats;

namespace ShopDapr.LoadGen.Sampling;

/// <summary>
/// <c>--samples file.csv --sample-every S</c>: from the moment the measured window opens until it closes, one CSV row
/// per S seconds (and one for the last, shorter interval unless it is an empty sliver): orders completed and orders/s in the interval, checkout→Completed
/// p95 of those orders, the e-mail lag of the orders whose e-mails all arrived in it (<c>--mail-dir</c>) with the orders
/// still waiting and the oldest one's age, and with <c>--watch-pid</c> the resident memory (MB) and CPU (% of one core
/// over the interval) of every process of the shop and of the load generator. The process columns are fixed at the
/// first row; <see cref="SamplesCsv"/> reads the file back for the chart.
/// </summary>
internal sealed class WindowSampler(LoadMetrics metrics, int? rootPid, TimeSpan every, TextWriter csv, TimeProvider time)
{
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyList<string>? _processes;
    private Dictionary<int, long> _ticks = [];

    /// <summary>Subscribes to the window's events; call before the load starts.</summary>
    public WindowSampler Attach()
    {
        metrics.WindowOpened += () => _opened.TrySetResult();
        metrics.WindowClosed += () => _closed.TrySetResult();
        return this;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        await _opened.Task.WaitAsync(ct);
        _ticks = Processes().ToDictionary(p => p.Pid, p => p.Ticks);
        var opened = time.GetTimestamp();
        var last = opened;
        for (var n = 1; ; n++)
        {
            var due = TimeSpan.FromTicks(every.Ticks * n) - time.GetElapsedTime(opened);
            if (due > TimeSpan.Zero)
                await Task.WhenAny(Task.Delay(due, time, ct), _closed.Task);
            ct.ThrowIfCancellationRequested();
            // Whether the window had closed before this row is cut: one that closes while the row is written may have
            // completed orders after the cut, and they get one more row.
            var closing = _closed.Task.IsCompleted;
            var now = time.GetTimestamp();
            var interval = time.GetElapsedTime(last, now);
            // The last, shorter interval is written unless it is an empty sliver.
            if (!closing || interval >= every / 10 || metrics.IntervalOrders > 0)
                await WriteRowAsync(time.GetElapsedTime(opened, now), interval);
            last = now;
            if (closing)
                return;
        }
    }

    private async Task WriteRowAsync(TimeSpan at, TimeSpan interval)
    {
        var saga = metrics.CutInterval();
        var lags = metrics.Mail?.CutInterval() ?? [];
        var (pending, oldest) = metrics.Mail?.Pending(time.GetUtcNow()) ?? (0, null);
        var processes = Processes();
        var byName = processes.GroupBy(p => ColumnName(p.Name)).ToDictionary(
            g => g.Key,
            g => (RssMb: g.Sum(p => p.RssBytes) / 1048576.0, CpuSeconds: g.Sum(p => (p.Ticks - _ticks.GetValueOrDefault(p.Pid)) / ProcFs.TicksPerSecond)));
        _ticks = processes.ToDictionary(p => p.Pid, p => p.Ticks);
        if (_processes is null)
        {
            _processes = [.. byName.Keys.OrderBy(n => n == "DevSidecar" ? "" : n, StringComparer.Ordinal)];
            await csv.WriteLineAsync(string.Join(',', SamplesCsv.FixedColumns.Concat(_processes.SelectMany(p => new[] { $"rss_mb_{p}", $"cpu_pct_{p}" }))));
        }
        var seconds = interval.TotalSeconds;
        List<string> row =
        [
            F(at.TotalSeconds, "0.0"), F(seconds, "0.0"), saga.Length.ToString(CultureInfo.InvariantCulture), F(saga.Length / seconds, "0.00"),
            P(saga, 95), P(lags, 50), P(lags, 95), P(lags, 99), lags.Length == 0 ? "" : F(lags[^1], "0"),
            pending.ToString(CultureInfo.InvariantCulture), oldest is { } age ? F(age.TotalSeconds, "0.0") : "",
        ];
        foreach (var name in _processes)
        {
            var found = byName.TryGetValue(name, out var p);
            row.Add(found ? F(p.RssMb, "0.0") : "");
            row.Add(found ? F(100 * p.CpuSeconds / seconds, "0.0") : "");
        }
        await csv.WriteLineAsync(string.Join(',', row));
        await csv.FlushAsync();
    }

    private IReadOnlyList<ProcStat> Processes() => rootPid is { } pid ? ProcFs.Family(pid) : [];

    /// <summary>ShopDapr.Gateway → Gateway, the load generator → LoadGen: short, CSV-safe column names.</summary>
    public static string ColumnName(string process) =>
        process == ProcFs.Self ? "LoadGen" : new string([.. process.Replace("ShopDapr.", "", StringComparison.Ordinal).Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_')]);

    private static string P(double[] sorted, double percent) => Percentiles.Of(sorted, percent) is { } v ? F(v, "0") : "";

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
