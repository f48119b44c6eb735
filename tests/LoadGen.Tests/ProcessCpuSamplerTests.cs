using System.Diagnostics;
using ShopDapr.LoadGen.Stats;

namespace ShopDapr.LoadGen.Tests;

public sealed class ProcessCpuSamplerTests
{
    [Fact]
    public void The_cpu_a_watched_process_burns_inside_the_window_is_reported_per_order()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "reads /proc, which only Linux has");
        var sampler = new ProcessCpuSampler(Environment.ProcessId);

        // Burn a known amount of CPU, not of wall-clock time: other tests (a whole shop among them) share the 2 cores, so
        // 300 ms of spinning may get far less than 300 ms on a core.
        sampler.WindowOpened();
        var start = Environment.CpuUsage.TotalTime;
        var limit = Stopwatch.StartNew();
        var spin = 0L;
        while (Environment.CpuUsage.TotalTime - start < TimeSpan.FromMilliseconds(300) && limit.Elapsed < TimeSpan.FromMinutes(1))
            spin++;
        var burnt = Environment.CpuUsage.TotalTime - start;
        sampler.WindowClosed();
        var report = sampler.Report(ordersCompleted: 10);

        var self = Assert.Single(report, p => p.Process.StartsWith("load generator", StringComparison.Ordinal));
        Assert.True(spin > 0 && burnt >= TimeSpan.FromMilliseconds(300), $"the spin got {burnt.TotalMilliseconds} ms of CPU within a minute");
        // The sampler's window encloses the burn and reads the same process-wide counter, in 10 ms ticks.
        Assert.InRange(self.CpuSeconds, burnt.TotalSeconds - 0.03, burnt.TotalSeconds + 30);
        Assert.Equal(1000 * self.CpuSeconds / 10, self.MsPerOrder!.Value, 6);
        Assert.Equal("total, shop only", report[^1].Process); // this process is the load generator, not part of the shop
    }

    [Fact]
    public void Without_both_samples_there_is_nothing_to_report() =>
        Assert.Empty(new ProcessCpuSampler(Environment.ProcessId).Report(5));
}
