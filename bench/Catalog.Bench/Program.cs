using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ShopDapr.Catalog.Bench;

// Catalog search: Lucene against a naive case-insensitive Contains scan, at 1,000 and 100,000 products.
//   dotnet run -c Release --project bench/Catalog.Bench -- latency [rounds]   per-query p50/p99 and queries/s (Stopwatch)
//   dotnet run -c Release --project bench/Catalog.Bench -- bdn                BenchmarkDotNet, ShortRun (10 iterations), in-process
return args.FirstOrDefault() switch
{
    "latency" => LatencyHarness.Run([1_000, 100_000], args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10),
    "bdn" => Bdn(),
    _ => Usage(),
};

static int Bdn()
{
    var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithIterationCount(10).WithToolchain(InProcessEmitToolchain.Instance));
    var summary = BenchmarkRunner.Run<SearchBenchmarks>(config);
    return summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success) ? 1 : 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Catalog.Bench latency [rounds] | bdn");
    return 2;
}
