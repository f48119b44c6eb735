using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace ShopDapr.Catalog.Search;

/// <summary>Turns what a shopper typed into a Lucene query (see <see cref="ProductIndex.Search"/>).</summary>
internal static class ProductQueryBuilder
{
    /// <summary>Returns null when nothing searchable is left (only stop words or punctuation).</summary>
    public static Query? Build(Analyzer analyzer, Analyzer unstemmed, IndexReader reader, string text)
    {
        var terms = Analyze(analyzer, text);
        if (terms.Count == 0)
            return null;
        var raw = Analyze(unstemmed, text);
        if (raw.Count != terms.Count)
            raw = terms;

        var query = new BooleanQuery();
        for (var i = 0; i < terms.Count; i++)
        {
            var term = terms[i];
            var word = new BooleanQuery();
            var known = false;
            foreach (var (field, boost) in ProductFields.Searched)
            {
                var exact = new Term(field, term);
                known |= reader.DocFreq(exact) > 0;
                word.Add(new TermQuery(exact) { Boost = boost }, Occur.SHOULD);
            }
            if (!known)
            {
                // A typo can break the stemmer ("wireles" stems to "wirel", "pwsome" keeps the e "pawsome" loses), so the
                // word as typed is also matched against the words as written.
                AddFuzzy(word, ProductFields.AllText, term);
                AddFuzzy(word, ProductFields.AllWords, raw[i]);
            }
            query.Add(word, Occur.MUST);
        }
        return query;
    }

    private static void AddFuzzy(BooleanQuery word, string field, string term)
    {
        var edits = MaxEdits(term);
        if (edits == 0)
            return;
        word.Add(new FuzzyQuery(new Term(field, term), edits, prefixLength: 1) { Boost = ProductFields.FuzzyBoost }, Occur.SHOULD);
    }

    /// <summary>Edits allowed for a (stemmed) word: none for short words, one for medium, two for long.</summary>
    internal static int MaxEdits(string term) => term.Length switch
    {
        < 4 => 0,
        < 7 => 1,
        _ => 2,
    };

    /// <summary>The terms the analyzer makes of the text (lower-cased, stop words dropped, stemmed), in order.</summary>
    internal static List<string> Analyze(Analyzer analyzer, string text)
    {
        var terms = new List<string>();
        using var stream = analyzer.GetTokenStream(ProductFields.Name, text);
        var chars = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            terms.Add(chars.ToString());
        }
        stream.End();
        return terms;
    }
}
