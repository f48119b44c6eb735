namespace ShopDapr.Analytics.Domain;

/// <summary>
/// The products bought together with one product (state key <c>co-{productId}</c>), with how often. Bounded: the
/// <see cref="MaxPartners"/> strongest partners are kept.
/// </summary>
public sealed record CoOccurrence(IReadOnlyDictionary<Guid, double> With)
{
    public const int MaxPartners = 50;

    /// <summary>At most this many distinct products of one order are paired (an order of 100 lines pairs its first 20).</summary>
    public const int MaxLinesPaired = 20;

    public static CoOccurrence Empty { get; } = new(new Dictionary<Guid, double>());

    public CoOccurrence Add(IEnumerable<Guid> partners)
    {
        var next = new Dictionary<Guid, double>(With);
        foreach (var partner in partners)
            next[partner] = next.GetValueOrDefault(partner) + 1;
        return new(next.Count <= MaxPartners
            ? next
            : next.OrderByDescending(p => p.Value).ThenBy(p => p.Key).Take(MaxPartners).ToDictionary(p => p.Key, p => p.Value));
    }
}
