using System.Diagnostics;
using System.Globalization;
using ShopDapr.AnalyticsEval;

// Offline evaluation of analytics' models on public data nobody here generated (Debian's weka package):
//   credit-g.arff     - the fraud pipeline (FastTree) vs. ML.NET logistic regression, ROC-AUC / PR-AUC
//   supermarket.arff  - the learned ranker vs. popularity and plain co-occurrence, hit-rate@10 / NDCG@10
// Usage: dotnet run -c Release --project bench/AnalyticsEval [-- --seed 42]
var seed = args.Length >= 2 && args[0] == "--seed" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 42;
var clock = Stopwatch.StartNew();
void Progress(string what) => Console.Error.WriteLine($"[{clock.Elapsed:mm\\:ss}] {what}");

var work = Directory.CreateTempSubdirectory("analytics-eval-");
try
{
    var data = await WekaData.FetchAsync(work.FullName, Progress);
    Console.WriteLine($"seed {seed}; weka package {data.Package}; {Environment.ProcessorCount} cores; load average {WekaData.LoadAverage()}");
    Console.WriteLine();
    CreditEval.Run(Arff.Read(data.CreditG), seed, Progress);
    Console.WriteLine();
    BasketEval.Run(Arff.Read(data.Supermarket), seed, Progress);
    Progress("done");
    return 0;
}
finally
{
    work.Delete(recursive: true);
}
