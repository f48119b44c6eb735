namespace ShopDapr.LoadGen.Tastes;

/// <summary>A checkout's payment card and destination.</summary>
internal sealed record PaymentPlan(string Card, string Country);

/// <summary>
/// How the run's fraudsters behave, in what the fraud features can see: a journey first tries one or two small orders
/// with cards the simulated provider declines, then places a large order (two of a dear product) with yet another card,
/// each order shipped to a country the fraudster has not used lately. So its orders show several distinct cards within
/// the hour, declines, a new shipping country and a large total. Legitimate shoppers pay with the approving test card
/// and ship home; with fraud on, <see cref="LegitimateLargeShare"/> of their orders are large too, so that a large total
/// alone does not mean fraud.
/// </summary>
internal static class FraudPattern
{
    public const string ApprovingCard = "4242424242424242";
    public const double LegitimateLargeShare = 0.05;

    /// <summary>Declined by the simulated provider: card_declined, insufficient_funds.</summary>
    public static readonly IReadOnlyList<string> DecliningCards = ["4000000000000002", "4000000000009995"];

    /// <summary>Approved by the simulated provider (the second after two transient failures).</summary>
    public static readonly IReadOnlyList<string> ApprovingCards = [ApprovingCard, "4000000000000119"];

    /// <summary>Destinations fraudsters ship to: the home markets among others, so the destination alone does not give them away.</summary>
    public static readonly IReadOnlyList<string> Destinations = ["US", "GB", "DE", "FR", "NL", "BR", "NG", "RO", "UA", "VN", "ID", "PH", "MX", "TR", "IN", "ZA"];

    /// <summary>The orders of one fraudster's journey: the declined tries, then the large order; every one to a new destination.</summary>
    public static IReadOnlyList<PaymentPlan> Journey(Random random)
    {
        var tries = random.Next(1, DecliningCards.Count + 1);
        var countries = Destinations.ToArray();
        random.Shuffle(countries);
        var declined = DecliningCards.ToArray();
        random.Shuffle(declined);
        return [.. declined.Take(tries).Select((card, i) => new PaymentPlan(card, countries[i])),
            new PaymentPlan(ApprovingCards[random.Next(ApprovingCards.Count)], countries[tries])];
    }
}
