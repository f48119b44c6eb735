using Lucene.Net.Documents;
using Lucene.Net.Util;
using ShopDapr.Catalog.Domain;

namespace ShopDapr.Catalog.Search;

/// <summary>How a product becomes a Lucene document, and which fields a query searches with which boost.</summary>
internal static class ProductFields
{
    public const string Id = "id";

    /// <summary>The id again as 16 bytes of doc values: read per hit without decompressing stored fields.</summary>
    public const string IdBytes = "id_bytes";
    public const string Name = "name";
    public const string Description = "description";
    public const string BrandText = "brand_text";
    public const string CategoryText = "category_text";
    public const string CategoryFacet = "category";

    /// <summary>Every searched field in one, for typo matching: one fuzzy automaton per word instead of one per field.</summary>
    public const string AllText = "all_text";

    /// <summary>
    /// The same text as <see cref="AllText"/>, not stemmed (<see cref="ProductIndex"/> indexes it with the analyzer
    /// without the stemmer): a word as typed is matched for typos against the words as written. A typo can change how a
    /// word stems ("pwsome" keeps its e, "pawsome" stems to "pawsom"), and then its stem is two edits from the product's.
    /// </summary>
    public const string AllWords = "all_words";

    /// <summary>Boost of a fuzzy match in <see cref="AllText"/> or <see cref="AllWords"/>: below any exact match.</summary>
    public const float FuzzyBoost = 0.5f;
    public const string BrandFacet = "brand";

    /// <summary>The searched fields: a word in the name counts most.</summary>
    public static readonly (string Field, float Boost)[] Searched =
    [
        (Name, 4f),
        (BrandText, 2f),
        (CategoryText, 1.5f),
        (Description, 1f),
    ];

    public static Document ToDocument(Product product)
    {
        var categoryName = Categories.TryFind(product.Category, out var category) ? category.Name : product.Category;
        var allText = $"{product.Name} {product.Brand} {categoryName} {product.Category} {product.Description}";
        return
        [
            new StringField(Id, product.Id.ToString("N"), Field.Store.NO),
            new BinaryDocValuesField(IdBytes, new BytesRef(product.Id.ToByteArray())),
            new TextField(Name, product.Name, Field.Store.NO),
            new TextField(Description, product.Description, Field.Store.NO),
            new TextField(BrandText, product.Brand, Field.Store.NO),
            new TextField(CategoryText, $"{categoryName} {product.Category}", Field.Store.NO),
            new TextField(AllText, allText, Field.Store.NO),
            new TextField(AllWords, allText, Field.Store.NO),
            new SortedDocValuesField(CategoryFacet, new BytesRef(product.Category)),
            new SortedDocValuesField(BrandFacet, new BytesRef(product.Brand)),
        ];
    }
}
