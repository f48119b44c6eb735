using System.Diagnostics;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.Bench;

/// <summary>Save-then-get round trips/s through the official DaprClient (gRPC), in-memory vs. SQLite, same run.</summary>
internal static class StateBench
{
    public static async Task<int> RunAsync(int seconds)
    {
        var db = Path.Combine(Directory.CreateTempSubdirectory("state-bench-").FullName, "bench.db");
        var resources = Harness.TempResources(
            ("memory.yaml", Harness.Component("memory", "state.in-memory")),
            ("sqlite.yaml", Harness.Component("sqlite", "state.sqlite", ("connectionString", db))));
        await using var sidecar = await Sidecar.StartAsync(new SidecarOptions { AppId = "bench", ResourcesPaths = [resources] });
        using var client = Harness.Client(sidecar);
        var payload = new { Id = "order", Lines = Enumerable.Range(0, 8).Select(i => new { Sku = $"SKU-{i}", Qty = i }).ToArray() };

        var rows = new List<string>();
        foreach (var store in new[] { "memory", "sqlite" })
        {
            foreach (var workers in new[] { 1, 16 })
            {
                var clock = Stopwatch.StartNew();
                var done = await Harness.SaturateAsync($"{store} x{workers}", workers, TimeSpan.FromSeconds(seconds), async (w, i) =>
                {
                    var key = $"k-{w}-{i % 1000}";
                    await client.SaveStateAsync(store, key, payload);
                    _ = await client.GetStateAsync<object>(store, key);
                });
                rows.Add($"| {store} | {workers} | {done / clock.Elapsed.TotalSeconds:0} | {clock.Elapsed.TotalMilliseconds * workers / done:0.00} ms |");
            }
        }
        Console.WriteLine($"State round trips (SaveState + GetState, DaprClient over gRPC, {seconds}s each), {Harness.Machine()}");
        Console.WriteLine("| store | concurrent clients | round trips/s | mean round trip |");
        Console.WriteLine("|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        return 0;
    }
}
