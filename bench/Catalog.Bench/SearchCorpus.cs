using ShopDapr.Catalog.DemoData;
using ShopDapr.Catalog.Domain;
using ShopDapr.Catalog.Search;

namespace ShopDapr.Catalog.Bench;

/// <summary>One catalog size, searched two ways: the Lucene index the service uses, and a naive scan as the baseline.</summary>
public sealed class SearchCorpus : IDisposable
{
    public const int PageSize = 20;

    /// <summary>What shoppers type: single words, phrases, word forms and one typo.</summary>
    public static readonly string[] Queries =
    [
        "headphones", "running shoes", "wireless headphones", "coffee maker", "waterproof hiking boots",
        "headphnes", "yoga mat", "stainless kettle", "dog bed", "laptop stand", "blender", "camping tent",
        "sleeping bag", "mechanical keyboard", "sunscreen", "jigsaw puzzle", "cordless drill", "bluetooth speaker",
        "merino wool sweater", "cast iron skillet",
    ];

    private readonly IReadOnlyList<Product> _products;
    private readonly string[] _texts;

    public SearchCorpus(int count)
    {
        _products = DemoCatalogGenerator.Generate(count);
        _texts = _products.Select(p => $"{p.Name} {p.Description} {p.Brand} {p.Category}").ToArray();
        Index = new ProductIndex();
        Index.Rebuild(_products);
    }

    public ProductIndex Index { get; }

    public int Count => _products.Count;

    /// <summary>The Lucene search: stemming, typo tolerance, ranking, first page and facets.</summary>
    public int Lucene(string query) => Index.Search(query, 1, PageSize).Total;

    /// <summary>
    /// The baseline: every product whose text contains every word (case-insensitive), first page in catalog order,
    /// category and brand counts. No stemming, no typos, no ranking: less work per match than Lucene does.
    /// </summary>
    public int Naive(string query)
    {
        var words = query.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var categories = new Dictionary<string, int>();
        var brands = new Dictionary<string, int>();
        var page = new List<Product>(PageSize);
        var total = 0;
        for (var i = 0; i < _texts.Length; i++)
        {
            var text = _texts[i];
            var all = true;
            foreach (var word in words)
            {
                if (!text.Contains(word, StringComparison.OrdinalIgnoreCase))
                {
                    all = false;
                    break;
                }
            }
            if (!all)
                continue;
            var p = _products[i];
            total++;
            if (page.Count < PageSize)
                page.Add(p);
            categories[p.Category] = categories.GetValueOrDefault(p.Category) + 1;
            brands[p.Brand] = brands.GetValueOrDefault(p.Brand) + 1;
        }
        return total;
    }

    public void Dispose() => Index.Dispose();
}
