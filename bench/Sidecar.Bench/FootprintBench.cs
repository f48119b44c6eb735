using System.Diagnostics;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.Bench;

/// <summary>One process hosting 11 logical sidecars (one per shop app) over components/local, idle: resident memory.</summary>
internal static class FootprintBench
{
    private static readonly string[] Apps =
        ["gateway", "identity", "keys", "catalog", "cart", "ordering", "payment", "inventory", "shipping", "analytics", "notifications"];

    public static async Task<int> RunAsync()
    {
        var baseline = Rss();
        var resources = Path.GetFullPath("components/local");
        if (!Directory.Exists(resources))
            resources = Harness.TempResources(("state.yaml", Harness.Component("statestore", "state.in-memory")));
        var cluster = new SidecarCluster();
        var sidecars = new List<Sidecar>();
        foreach (var app in Apps)
            sidecars.Add(await Sidecar.StartAsync(new SidecarOptions
            {
                AppId = app,
                ResourcesPaths = [resources],
                WorkingDirectory = Path.GetFullPath("services/Gateway"), // as run -f: component paths are relative to an app folder
            }, cluster));
        using (var http = new HttpClient())
        {
            foreach (var s in sidecars)
                (await http.GetAsync(new Uri(s.HttpEndpoint, "/v1.0/healthz"))).EnsureSuccessStatusCode();
        }
        await Task.Delay(TimeSpan.FromSeconds(5)); // idle: let start-up garbage settle before measuring
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var rss = Rss();
        Console.WriteLine($"Idle footprint, {Harness.Machine()}, resources {resources}");
        Console.WriteLine("| measure | RSS |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| this process before any sidecar (baseline) | {baseline:0} MB |");
        Console.WriteLine($"| same process with {sidecars.Count} logical sidecars, idle | {rss:0} MB |");
        foreach (var s in sidecars)
            await s.DisposeAsync();
        await cluster.DisposeAsync();
        return 0;
    }

    private static double Rss()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.WorkingSet64 / (1024.0 * 1024);
    }
}
