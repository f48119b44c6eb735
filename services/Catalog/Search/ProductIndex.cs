using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using ShopDapr.Catalog.Domain;

namespace ShopDapr.Catalog.Search;

/// <summary>
/// The full-text index of the catalog, in RAM. English stemming ("running shoes" finds "run shoe"), typo
/// tolerance for words the index does not know ("headphnes" finds headphones), name matches first, and
/// category/brand facets over all matches. Safe for concurrent searches and writes: writes go through one
/// <see cref="IndexWriter"/>, searches through a <see cref="SearcherManager"/> refreshed after every write.
/// </summary>
public sealed class ProductIndex : IDisposable
{
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;

    private readonly Analyzer _analyzer = new EnglishAnalyzer(Version);
    private readonly Analyzer _unstemmed = UnstemmedAnalyzer();
    private readonly RAMDirectory _directory = new();
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;

    public ProductIndex()
    {
        // Every field stemmed but AllWords, the words as written (for typo matching of the words as typed).
        var analyzer = new PerFieldAnalyzerWrapper(_analyzer, new Dictionary<string, Analyzer> { [ProductFields.AllWords] = _unstemmed });
        _writer = new IndexWriter(_directory, new IndexWriterConfig(Version, analyzer) { OpenMode = OpenMode.CREATE });
        _writer.Commit();
        _searchers = new SearcherManager(_writer, applyAllDeletes: true, searcherFactory: null);
    }

    /// <summary>How many products the current searcher sees.</summary>
    public int Count
    {
        get
        {
            var searcher = _searchers.Acquire();
            try
            {
                return searcher.IndexReader.NumDocs;
            }
            finally
            {
                _searchers.Release(searcher);
            }
        }
    }

    /// <summary>Replaces the whole index with these products (start-up, or a rebuild from state).</summary>
    public void Rebuild(IEnumerable<Product> products)
    {
        _writer.DeleteAll();
        foreach (var product in products)
            _writer.AddDocument(ProductFields.ToDocument(product));
        _writer.Commit();
        _searchers.MaybeRefreshBlocking();
    }

    /// <summary>Adds the product, or replaces the document with its id.</summary>
    public void Upsert(Product product)
    {
        _writer.UpdateDocument(new Term(ProductFields.Id, product.Id.ToString("N")), ProductFields.ToDocument(product));
        _searchers.MaybeRefreshBlocking();
    }

    public void Remove(Guid productId)
    {
        _writer.DeleteDocuments(new Term(ProductFields.Id, productId.ToString("N")));
        _searchers.MaybeRefreshBlocking();
    }

    /// <summary>
    /// Every word of <paramref name="text"/> must match (in any searched field); a word the index does not
    /// contain at all is matched fuzzily instead. Returns page <paramref name="page"/> (1-based) of the hits.
    /// </summary>
    public SearchResults Search(string text, int page, int pageSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var searcher = _searchers.Acquire();
        try
        {
            var query = ProductQueryBuilder.Build(_analyzer, _unstemmed, searcher.IndexReader, text);
            if (query is null)
                return SearchResults.Empty;

            var top = TopScoreDocCollector.Create(page * pageSize, docsScoredInOrder: true);
            var categories = new FacetCollector(ProductFields.CategoryFacet);
            var brands = new FacetCollector(ProductFields.BrandFacet);
            searcher.Search(query, MultiCollector.Wrap(top, categories, brands));

            var docs = top.GetTopDocs((page - 1) * pageSize, pageSize).ScoreDocs;
            var hits = new List<SearchHit>(docs.Length);
            var leaves = searcher.IndexReader.Leaves;
            var bytes = new BytesRef();
            foreach (var doc in docs)
            {
                var leaf = leaves[ReaderUtil.SubIndex(doc.Doc, leaves)];
                leaf.AtomicReader.GetBinaryDocValues(ProductFields.IdBytes).Get(doc.Doc - leaf.DocBase, bytes);
                hits.Add(new SearchHit(new Guid(bytes.Bytes.AsSpan(bytes.Offset, bytes.Length)), doc.Score));
            }
            return new SearchResults(hits, top.TotalHits, new SearchFacets(categories.Result(), brands.Result()));
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    public void Dispose()
    {
        _searchers.Dispose();
        _writer.Dispose();
        _directory.Dispose();
        _analyzer.Dispose();
        _unstemmed.Dispose();
    }

    /// <summary>The English analyzer's chain without the stemmer: the words as typed, for typo matching.</summary>
    private static Analyzer UnstemmedAnalyzer() => Analyzer.NewAnonymous((_, reader) =>
    {
        var tokenizer = new StandardTokenizer(Version, reader);
        TokenStream stream = new StandardFilter(Version, tokenizer);
        stream = new EnglishPossessiveFilter(Version, stream);
        stream = new LowerCaseFilter(Version, stream);
        stream = new StopFilter(Version, stream, EnglishAnalyzer.DefaultStopSet);
        return new TokenStreamComponents(tokenizer, stream);
    });
}
