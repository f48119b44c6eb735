namespace ShopDapr.Analytics.Domain;

/// <summary>A product with when it was last seen in a list of the profile.</summary>
public sealed record ProductAt(Guid ProductId, DateTimeOffset At);

/// <summary>
/// One customer's profile (state key <c>profile-{customerId}</c>): their most recent views, category affinity and
/// recent purchases. Every list has a fixed bound, so the profile's size does not grow with the customer's history.
/// </summary>
public sealed record CustomerProfile(
    string CustomerId,
    IReadOnlyList<ProductAt> RecentViews,
    IReadOnlyDictionary<string, double> CategoryAffinity,
    IReadOnlyList<ProductAt> Purchases,
    DateTimeOffset UpdatedAt)
{
    public const int MaxViews = 20;
    public const int MaxPurchases = 50;
    public const int MaxCategories = 20;

    /// <summary>Each hour a category's affinity is not fed, it keeps this share (about halved a day later).</summary>
    public const double HourlyDecay = 0.97;

    public static CustomerProfile Empty(string customerId) => new(customerId, [], new Dictionary<string, double>(), [], DateTimeOffset.MinValue);

    /// <summary>The profile after <paramref name="signal"/> (of this customer).</summary>
    public CustomerProfile Apply(Signal signal)
    {
        var views = signal.Kind == SignalKind.View ? Prepend(RecentViews, signal, MaxViews) : RecentViews;
        var purchases = signal.Kind == SignalKind.Purchase ? Prepend(Purchases, signal, MaxPurchases) : Purchases;
        var affinity = CategoryAffinity;
        if (signal.Category is { Length: > 0 } category && signal.Weight > 0)
        {
            var hours = UpdatedAt == DateTimeOffset.MinValue ? 0 : Math.Max(0, (signal.At - UpdatedAt).TotalHours);
            var decay = Math.Pow(HourlyDecay, hours);
            var next = CategoryAffinity.ToDictionary(p => p.Key, p => p.Value * decay, StringComparer.Ordinal);
            next[category] = next.GetValueOrDefault(category) + signal.Weight;
            affinity = next.OrderByDescending(p => p.Value).Take(MaxCategories).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        }
        return this with
        {
            RecentViews = views,
            Purchases = purchases,
            CategoryAffinity = affinity,
            UpdatedAt = signal.At > UpdatedAt ? signal.At : UpdatedAt,
        };
    }

    /// <summary>The affinity of <paramref name="category"/> as a share of the customer's whole (0 when unknown).</summary>
    public double AffinityShare(string? category)
    {
        var total = CategoryAffinity.Values.Sum();
        return category is null || total <= 0 ? 0 : CategoryAffinity.GetValueOrDefault(category) / total;
    }

    private static ProductAt[] Prepend(IReadOnlyList<ProductAt> list, Signal signal, int max) =>
        [new(signal.ProductId, signal.At), .. list.Where(p => p.ProductId != signal.ProductId).Take(max - 1)];
}
