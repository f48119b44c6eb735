using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace ShopDapr.Catalog.Search;

/// <summary>
/// Counts one sorted doc-values field (category or brand) over every matching document, segment by segment,
/// by ordinal; the ordinals become strings once per segment, not once per hit.
/// </summary>
internal sealed class FacetCollector(string field) : ICollector
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private SortedDocValues? _values;
    private int[] _segmentCounts = [];

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer)
    {
    }

    public void SetNextReader(AtomicReaderContext context)
    {
        Flush();
        _values = context.AtomicReader.GetSortedDocValues(field);
        _segmentCounts = _values is null ? [] : new int[_values.ValueCount];
    }

    public void Collect(int doc)
    {
        var ord = _values?.GetOrd(doc) ?? -1;
        if (ord >= 0)
            _segmentCounts[ord]++;
    }

    /// <summary>The counts, largest first, ties by value.</summary>
    public IReadOnlyList<FacetValue> Result()
    {
        Flush();
        return _counts
            .OrderByDescending(c => c.Value)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new FacetValue(c.Key, c.Value))
            .ToList();
    }

    private void Flush()
    {
        if (_values is null)
            return;
        var term = new BytesRef();
        for (var ord = 0; ord < _segmentCounts.Length; ord++)
        {
            if (_segmentCounts[ord] == 0)
                continue;
            _values.LookupOrd(ord, term);
            var key = term.Utf8ToString();
            _counts[key] = _counts.GetValueOrDefault(key) + _segmentCounts[ord];
        }
        _values = null;
        _segmentCounts = [];
    }
}
