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

        sampler.WindowOpened();
        var burn = Stopwatch.StartNew();
        var spin = 0L;
        while (burn.Elapsed < TimeSpan.FromMilliseconds(300))
            spin++;
        sampler.WindowClosed();
        var report = sampler.Report(ordersCompleted: 10);

        var self = Assert.Single(report, p => p.Process.StartsWith("load generator", StringComparison.Ordinal));
        Assert.True(spin > 0);
        Assert.InRange(self.CpuSeconds, 0.1, 30); // at least a third of the spin reached this process, even on a busy machine
        Assert.Equal(1000 * self.CpuSeconds / 10, self.MsPerOrder!.Value, 6);
        Assert.Equal("total, shop only", report[^1].Process); // this process is the load generator, not part of the shop
    }

    [Fact]
    public void Without_both_samples_there_is_nothing_to_report() =>
        Assert.Empty(new ProcessCpuSampler(Environment.ProcessId).Report(5));
}
