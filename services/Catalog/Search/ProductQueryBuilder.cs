using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace ShopDapr.Catalog.Search;

/// <summary>Turns what a shopper typed into a Lucene query (see <see cref="ProductIndex.Search"/>).</summary>
internal static class ProductQueryBuilder
{
    /// <summary>Fuzzy matches count for less than exact ones.</summary>
    private const float FuzzyWeight = 0.5f;

    /// <summary>Returns null when nothing searchable is left (only stop words or punctuation).</summary>
    public static Query? Build(Analyzer analyzer, IndexReader reader, string text)
    {
        var terms = Analyze(analyzer, text);
        if (terms.Count == 0)
            return null;

        var query = new BooleanQuery();
        foreach (var term in terms)
        {
            var word = new BooleanQuery();
            var known = false;
            foreach (var (field, boost) in ProductFields.Searched)
            {
                var exact = new Term(field, term);
                known |= reader.DocFreq(exact) > 0;
                word.Add(new TermQuery(exact) { Boost = boost }, Occur.SHOULD);
            }
            var edits = MaxEdits(term);
            if (!known && edits > 0)
            {
                foreach (var (field, boost) in ProductFields.Searched)
                    word.Add(new FuzzyQuery(new Term(field, term), edits, prefixLength: 1) { Boost = boost * FuzzyWeight }, Occur.SHOULD);
            }
            query.Add(word, Occur.MUST);
        }
        return query;
    }

    /// <summary>Edits allowed for a (stemmed) word: none for short words, one for medium, two for long.</summary>
    internal static int MaxEdits(string term) => term.Length switch
    {
        < 4 => 0,
        < 7 => 1,
        _ => 2,
    };

    /// <summary>The distinct terms the analyzer makes of the text (lower-cased, stop words dropped, stemmed).</summary>
    internal static List<string> Analyze(Analyzer analyzer, string text)
    {
        var terms = new List<string>();
        using var stream = analyzer.GetTokenStream(ProductFields.Name, text);
        var chars = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            var term = chars.ToString();
            if (!terms.Contains(term))
                terms.Add(term);
        }
        stream.End();
        return terms;
    }
}
