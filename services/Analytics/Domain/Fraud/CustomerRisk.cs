namespace ShopDapr.Analytics.Domain.Fraud;

/// <summary>One of a customer's recent orders, as the fraud features count them.</summary>
public sealed record RecentOrder(Guid OrderId, DateTimeOffset At, string CardLast4);

/// <summary>A country the customer ships to, and the order that first shipped there.</summary>
public sealed record ShippedTo(string Country, Guid FirstOrderId);

/// <summary>
/// What analytics keeps of one customer for the fraud features (state key <c>risk-{customerId}</c>): when they registered,
/// their orders of the last day, their payment declines of the last day and the last countries they shipped to. Every list
/// is cut by age and by a fixed count, so the document does not grow with the customer's history.
/// </summary>
public sealed record CustomerRisk(
    string CustomerId,
    DateTimeOffset? RegisteredAt,
    IReadOnlyList<RecentOrder> Orders,
    IReadOnlyList<DateTimeOffset> Declines,
    IReadOnlyList<ShippedTo> Countries)
{
    public const int MaxOrders = 50;
    public const int MaxDeclines = 20;
    public const int MaxCountries = 5;
    public static readonly TimeSpan Keep = TimeSpan.FromDays(1);
    public static readonly TimeSpan Velocity = TimeSpan.FromHours(1);

    public static CustomerRisk Empty(string customerId) => new(customerId, null, [], [], []);

    public CustomerRisk Registered(DateTimeOffset at) => this with { RegisteredAt = at };

    /// <summary>Counts the order in (once per order id) and remembers its country.</summary>
    public CustomerRisk WithOrder(Guid orderId, DateTimeOffset at, string cardLast4, string country) => this with
    {
        Orders = [.. Orders.Where(o => o.OrderId != orderId).Append(new RecentOrder(orderId, at, cardLast4))
            .Where(o => o.At > at - Keep).OrderByDescending(o => o.At).Take(MaxOrders)],
        Countries = [Countries.FirstOrDefault(c => c.Country == Country(country)) ?? new ShippedTo(Country(country), orderId),
            .. Countries.Where(c => c.Country != Country(country)).Take(MaxCountries - 1)],
    };

    public CustomerRisk WithDecline(DateTimeOffset at) => this with
    {
        Declines = [.. Declines.Append(at).Where(d => d > at - Keep).OrderByDescending(d => d).Take(MaxDeclines)],
    };

    /// <summary>
    /// The features of an order placed at <paramref name="at"/>, from what was known of the customer before it: the same
    /// whether the order itself was already counted in (the saga may score it after analytics read its submission) or not.
    /// </summary>
    public FraudFeatures FeaturesOf(Guid orderId, DateTimeOffset at, string cardLast4, string country, decimal total, int lines, int units)
    {
        var lastHour = Orders.Where(o => o.OrderId != orderId && o.At > at - Velocity && o.At <= at).ToList();
        var cards = lastHour.Select(o => o.CardLast4).Append(cardLast4).Distinct(StringComparer.Ordinal).Count();
        var known = Countries.Where(c => c.FirstOrderId != orderId).Select(c => c.Country).ToList();
        return new FraudFeatures(
            RegisteredAt is { } registered ? Math.Max(0, (at - registered).TotalDays) : null,
            lastHour.Count, cards, Declines.Count(d => d > at - Keep && d <= at),
            (double)total, lines, units,
            known.Count > 0 && !known.Contains(Country(country)));
    }

    private static string Country(string country) => country.Trim().ToUpperInvariant();
}
