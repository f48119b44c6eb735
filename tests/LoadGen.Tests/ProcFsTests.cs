using System.Diagnostics;
using ShopDapr.LoadGen.Stats;

namespace ShopDapr.LoadGen.Tests;

public sealed class ProcFsTests
{
    [Fact]
    public async Task A_family_holds_every_process_under_the_root_not_only_its_children()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "reads Linux's /proc");
        // root sh -> sh -> sleep: a grandchild, as the dev sidecar's apps are under a bench script.
        using var root = Process.Start(new ProcessStartInfo("sh", ["-c", "sh -c 'sleep 61; true' & wait"]))!;
        try
        {
            IReadOnlyList<ProcStat> family = [];
            var clock = Stopwatch.StartNew();
            while (!family.Any(p => p.Name == "sleep") && clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
                family = ProcFs.Family(root.Id);
            }
            var sleep = Assert.Single(family, p => p.Name == "sleep");
            var middle = Assert.Single(family, p => p.Pid == sleep.ParentPid);
            Assert.Equal(root.Id, middle.ParentPid);
            Assert.Contains(family, p => p.Pid == root.Id);
            Assert.Single(family, p => p.Name == ProcFs.Self);
        }
        finally
        {
            root.Kill(entireProcessTree: true);
        }
    }
}
