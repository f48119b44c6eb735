using System.Diagnostics;
using Dapr.Client;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.Bench;

internal static class Harness
{
    public static string Component(string name, string type, params (string Name, string Value)[] metadata) =>
        $"apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\nspec:\n  type: {type}\n  version: v1\n  metadata:\n"
        + string.Concat(metadata.Select(m => $"  - name: {m.Name}\n    value: \"{m.Value}\"\n"));

    public static string TempResources(params (string File, string Yaml)[] files)
    {
        var dir = Directory.CreateTempSubdirectory("sidecar-bench-").FullName;
        foreach (var (file, yaml) in files)
            File.WriteAllText(Path.Combine(dir, file), yaml);
        return dir;
    }

    public static DaprClient Client(Sidecar sidecar) => new DaprClientBuilder()
        .UseGrpcEndpoint(sidecar.GrpcEndpoint.ToString())
        .UseHttpEndpoint(sidecar.HttpEndpoint.ToString())
        .Build();

    /// <summary>Runs <paramref name="work"/> on <paramref name="workers"/> loops for a while, printing progress each second; returns operations done.</summary>
    public static async Task<long> SaturateAsync(string label, int workers, TimeSpan duration, Func<int, long, Task> work)
    {
        long done = 0;
        using var stop = new CancellationTokenSource(duration);
        var clock = Stopwatch.StartNew();
        var loops = Enumerable.Range(0, workers).Select(async w =>
        {
            for (long i = 0; !stop.IsCancellationRequested; i++)
            {
                await work(w, i);
                Interlocked.Increment(ref done);
            }
        }).ToList();
        var all = Task.WhenAll(loops);
        while (await Task.WhenAny(all, Task.Delay(1000)) != all)
            Console.Error.Write($"\r{label}: {clock.Elapsed.TotalSeconds,5:0}s {Interlocked.Read(ref done) / clock.Elapsed.TotalSeconds,10:0}/s   ");
        await all;
        Console.Error.WriteLine();
        return done;
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static string Machine() =>
        $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024 * 1024.0):0} GiB";
}
