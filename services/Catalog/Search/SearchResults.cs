namespace ShopDapr.Catalog.Search;

/// <summary>One hit: the product id and how well it matched.</summary>
public readonly record struct SearchHit(Guid ProductId, float Score);

/// <summary>A facet value and how many matching products have it.</summary>
public sealed record FacetValue(string Value, int Count);

/// <summary>Counts over every matching product, not only the page shown.</summary>
public sealed record SearchFacets(IReadOnlyList<FacetValue> Categories, IReadOnlyList<FacetValue> Brands)
{
    public static readonly SearchFacets Empty = new([], []);
}

/// <summary>One page of hits, best first, with the total and the facets of all matches.</summary>
public sealed record SearchResults(IReadOnlyList<SearchHit> Hits, int Total, SearchFacets Facets)
{
    public static readonly SearchResults Empty = new([], 0, SearchFacets.Empty);
}
