using BenchmarkDotNet.Attributes;

namespace ShopDapr.Catalog.Bench;

/// <summary>BenchmarkDotNet view: one operation = the whole query mix once, Lucene against the naive scan.</summary>
[MemoryDiagnoser]
public class SearchBenchmarks
{
    private SearchCorpus _corpus = null!;

    [Params(1_000, 100_000)]
    public int Products { get; set; }

    [GlobalSetup]
    public void Setup() => _corpus = new SearchCorpus(Products);

    [GlobalCleanup]
    public void Cleanup() => _corpus.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = 20)]
    public int NaiveScan()
    {
        var found = 0;
        foreach (var q in SearchCorpus.Queries)
            found += _corpus.Naive(q);
        return found;
    }

    [Benchmark(OperationsPerInvoke = 20)]
    public int LuceneSearch()
    {
        var found = 0;
        foreach (var q in SearchCorpus.Queries)
            found += _corpus.Lucene(q);
        return found;
    }
}
