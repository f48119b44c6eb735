using System.Diagnostics;
using System.Globalization;

namespace ShopDapr.Catalog.Bench;

/// <summary>
/// Per-query latencies (p50, p99) and single-thread queries/s, Lucene and the naive scan interleaved in the same
/// run, so a busy machine slows both alike. Prints a Markdown table.
/// </summary>
public static class LatencyHarness
{
    /// <summary>Lucene is timed this many times per naive query, so its p99 rests on enough samples.</summary>
    private const int LucenePerNaive = 5;

    private const int WarmUpPasses = 3;

    /// <param name="rounds">Passes over the query mix per size (each pass: every query once naive, <see cref="LucenePerNaive"/> times Lucene).</param>
    public static int Run(int[] sizes, int rounds)
    {
        Console.WriteLine("| products | engine | p50 (µs) | p99 (µs) | queries/s (1 thread) | median ratio naive/Lucene |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|");
        foreach (var size in sizes)
        {
            var build = Stopwatch.StartNew();
            using var corpus = new SearchCorpus(size);
            build.Stop();
            Console.Error.WriteLine($"{size:N0} products generated and indexed in {build.Elapsed.TotalSeconds:F1} s");

            foreach (var q in SearchCorpus.Queries)
            {
                if (corpus.Lucene(q) == 0)
                    throw new InvalidOperationException($"'{q}' finds nothing: the query mix no longer fits the demo catalog");
            }
            for (var pass = 0; pass < WarmUpPasses; pass++)
            {
                foreach (var q in SearchCorpus.Queries)
                {
                    corpus.Lucene(q);
                    corpus.Naive(q);
                }
            }

            var lucene = new List<double>();
            var naive = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                foreach (var q in SearchCorpus.Queries)
                {
                    for (var i = 0; i < LucenePerNaive; i++)
                        lucene.Add(Time(() => corpus.Lucene(q)));
                    naive.Add(Time(() => corpus.Naive(q)));
                }
            }
            var ratio = Percentile(naive, 0.50) / Percentile(lucene, 0.50);
            Row(size, "Lucene", lucene, ratio.ToString("F0", CultureInfo.InvariantCulture) + "×");
            Row(size, "naive Contains scan", naive, "");
        }
        return 0;
    }

    private static double Time(Func<int> search)
    {
        var start = Stopwatch.GetTimestamp();
        GC.KeepAlive(search());
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }

    private static void Row(int size, string engine, List<double> micros, string ratio) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {size:N0} | {engine} | {Percentile(micros, 0.50):F0} | {Percentile(micros, 0.99):F0} | {1_000_000 / micros.Average():F0} | {ratio} |"));

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
    }
}
