using ShopDapr.Analytics.Domain;
using ShopDapr.Analytics.Infrastructure;

namespace ShopDapr.Analytics;

/// <summary>One recommended or trending product as the API shows it.</summary>
public sealed record RecommendedProduct(Guid ProductId, string? Category, decimal? Price, double Score, string Reason);

/// <summary>
/// Recommendations and trending, read from the state the events built. Every read is bounded: a profile (fixed size),
/// the co-occurrences of at most <see cref="MaxSeeds"/> seed products, and the fixed number of trending buckets of a
/// window. Never proposes what the customer bought, a deleted product, or one whose SKU is out of stock.
/// </summary>
public sealed class RecommendationService(AnalyticsStore store, TimeProvider time)
{
    public const int MaxSeeds = 10;
    public const int MaxCandidates = 100;
    public const int MaxListed = 100;
    private const int TopCategories = 2;

    /// <summary>Trending in <paramref name="category"/> (null: the whole shop) over <paramref name="window"/>, available products only.</summary>
    public async Task<IReadOnlyList<RecommendedProduct>> TrendingAsync(string? category, TrendWindow window, CancellationToken cancellationToken)
    {
        var trend = await TrendAsync(category ?? TrendWindow.AnyCategory, window, cancellationToken);
        var top = trend.Take(MaxListed * 2).ToList();
        var facts = await AvailableAsync(top.Select(t => t.ProductId), cancellationToken);
        return [.. top.Where(t => facts.ContainsKey(t.ProductId))
            .Take(MaxListed)
            .Select(t => new RecommendedProduct(t.ProductId, facts[t.ProductId].Category, facts[t.ProductId].Price, t.Score, "trending"))];
    }

    /// <summary>"Bought together" with <paramref name="productId"/>; null when analytics has never heard of the product.</summary>
    public async Task<IReadOnlyList<RecommendedProduct>?> BoughtTogetherAsync(Guid productId, CancellationToken cancellationToken)
    {
        if (await store.GetAsync<ProductFacts>(StateKeys.Product(productId), cancellationToken) is null)
            return null;
        var co = await store.GetAsync<CoOccurrence>(StateKeys.CoOccurrence(productId), cancellationToken) ?? CoOccurrence.Empty;
        var facts = await AvailableAsync(co.With.Keys, cancellationToken);
        return [.. co.With.Where(p => facts.ContainsKey(p.Key)).OrderByDescending(p => p.Value).ThenBy(p => p.Key)
            .Select(p => new RecommendedProduct(p.Key, facts[p.Key].Category, facts[p.Key].Price, p.Value, "bought-together"))];
    }

    /// <summary>The customer's recommendations, ranked; trending for a customer analytics knows nothing about yet.</summary>
    public async Task<IReadOnlyList<RecommendedProduct>> ForCustomerAsync(string customerId, IRanker ranker, CancellationToken cancellationToken)
    {
        var profile = await store.GetAsync<CustomerProfile>(StateKeys.Profile(customerId), cancellationToken) ?? CustomerProfile.Empty(customerId);
        var candidates = await CandidatesAsync(profile, cancellationToken);
        var scores = ranker.Score(candidates);
        return [.. candidates.Zip(scores)
            .OrderByDescending(p => p.Second).ThenBy(p => p.First.ProductId)
            .Select(p => new RecommendedProduct(p.First.ProductId, p.First.Category, null, p.Second, Reason(p.First.Source)))];
    }

    /// <summary>
    /// The customer's candidates with their features, available and not bought: partners of their recent views and
    /// purchases, trending in their strongest categories, and trending overall (all a new customer gets: cold start).
    /// </summary>
    public async Task<IReadOnlyList<Candidate>> CandidatesAsync(CustomerProfile profile, CancellationToken cancellationToken)
    {
        // The reads that depend only on the profile go out together (one round trip's wait instead of up to six).
        var seeds = profile.RecentViews.Take(MaxSeeds / 2).Concat(profile.Purchases.Take(MaxSeeds / 2)).Select(p => p.ProductId).Distinct().ToList();
        var coRead = store.GetManyAsync<CoOccurrence>([.. seeds.Select(StateKeys.CoOccurrence)], cancellationToken);
        var dayRead = TrendAsync(TrendWindow.AnyCategory, TrendWindow.Day, cancellationToken);
        var hourRead = TrendAsync(TrendWindow.AnyCategory, TrendWindow.Hour, cancellationToken);
        var categoryReads = profile.CategoryAffinity.OrderByDescending(p => p.Value).Take(TopCategories)
            .Select(p => TrendAsync(p.Key, TrendWindow.Day, cancellationToken)).ToList();
        await Task.WhenAll([coRead, dayRead, hourRead, .. categoryReads]);

        var co = new Dictionary<Guid, double>();
        foreach (var doc in (await coRead).Values)
            foreach (var (partner, count) in doc.With)
                co[partner] = co.GetValueOrDefault(partner) + count;
        var popularity = (await dayRead).Take(MaxCandidates).ToList();
        var recent = await hourRead;
        var inCategories = new List<(Guid ProductId, double Score)>();
        foreach (var read in categoryReads)
            inCategories.AddRange((await read).Take(MaxCandidates / 4));

        var sources = new Dictionary<Guid, CandidateSource>();
        foreach (var id in co.OrderByDescending(p => p.Value).Take(MaxCandidates / 2).Select(p => p.Key))
            sources.TryAdd(id, CandidateSource.BoughtTogether);
        foreach (var (id, _) in inCategories)
            sources.TryAdd(id, CandidateSource.TrendingInCategory);
        foreach (var (id, _) in popularity)
            sources.TryAdd(id, CandidateSource.Trending);

        var bought = profile.Purchases.Select(p => p.ProductId).ToHashSet();
        var ids = sources.Keys.Where(id => !bought.Contains(id)).Take(MaxCandidates).ToList();
        var facts = await AvailableAsync(ids, cancellationToken);
        var coN = Normalise.ByMax(co);
        var popN = Normalise.ByMax(popularity.Select(p => KeyValuePair.Create(p.ProductId, p.Score)));
        var recN = Normalise.ByMax(recent.Select(p => KeyValuePair.Create(p.ProductId, p.Score)));
        return [.. ids.Where(facts.ContainsKey).Select(id => new Candidate(id, facts[id].Category, sources[id],
            coN.GetValueOrDefault(id), popN.GetValueOrDefault(id), recN.GetValueOrDefault(id), profile.AffinityShare(facts[id].Category), facts[id].PriceBand))];
    }

    /// <summary>A window's buckets of one category, summed.</summary>
    private async Task<IReadOnlyList<(Guid ProductId, double Score)>> TrendAsync(string category, TrendWindow window, CancellationToken cancellationToken)
    {
        var buckets = await store.GetManyAsync<TrendBucket>(window.KeysAt(category, time.GetUtcNow()), cancellationToken);
        return TrendBucket.Sum(buckets.Values);
    }

    /// <summary>
    /// The facts of those of <paramref name="ids"/> that may be offered; a product deleted or out of stock is left out
    /// and so is one analytics has no facts for (it could not tell whether it is in stock).
    /// </summary>
    private async Task<IReadOnlyDictionary<Guid, ProductFacts>> AvailableAsync(IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        var facts = await store.GetManyAsync<ProductFacts>([.. ids.Distinct().Select(StateKeys.Product)], cancellationToken);
        var skus = facts.Values.Where(f => f.Sku is not null).Select(f => StateKeys.Stock(f.Sku!)).ToList();
        var stock = await store.GetManyAsync<StockFact>(skus, cancellationToken);
        return facts.Values
            .Where(f => !f.Deleted && (f.Sku is null || stock.GetValueOrDefault(StateKeys.Stock(f.Sku)) is not { Available: <= 0 }))
            .ToDictionary(f => f.ProductId);
    }

    private static string Reason(CandidateSource source) => source switch
    {
        CandidateSource.BoughtTogether => "bought-together",
        CandidateSource.TrendingInCategory => "trending-in-your-categories",
        _ => "trending",
    };
}
