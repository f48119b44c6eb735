using ShopDapr.Analytics.Domain.Fraud;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.Ordering.Workflows;

namespace ShopDapr.Analytics.Tests;

/// <summary>
/// A generated shop history of labelled orders, seeded. Legitimate orders: accounts of months or years, one card, rare
/// declines, mostly home countries, now and then a large basket. Fraud (about 10 %): a mix of new accounts, several cards
/// in an hour, recent declines and shipping somewhere new, with totals only a little higher than usual, so a total
/// threshold alone catches few of them while the large honest baskets trip it.
/// </summary>
internal static class FraudSample
{
    private static readonly string[] Home = ["GB", "DE", "FR", "NL", "US"];
    private static readonly string[] Abroad = ["NG", "BR", "RU", "VN", "ID"];

    public sealed record Order(FraudRecord Record, OrderSnapshot Snapshot);

    public static IReadOnlyList<Order> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var orders = new List<Order>();
        for (var i = 0; i < count; i++)
        {
            var fraud = random.NextDouble() < 0.1;
            double age;
            int others, cards, declines;
            bool newCountry;
            string country;
            double total;
            if (fraud)
            {
                age = random.NextDouble() < 0.7 ? random.NextDouble() * 2 : 30 + random.NextDouble() * 300;
                others = random.NextDouble() < 0.6 ? random.Next(1, 5) : 0;
                cards = others > 0 ? random.Next(2, others + 2) : 1;
                declines = random.NextDouble() < 0.6 ? random.Next(1, 5) : 0;
                newCountry = random.NextDouble() < 0.6;
                country = random.NextDouble() < 0.4 ? Abroad[random.Next(Abroad.Length)] : Home[random.Next(Home.Length)];
                total = Math.Exp(5 + random.NextDouble() * 1.2);
            }
            else
            {
                age = 20 + random.NextDouble() * 900;
                others = random.NextDouble() < 0.1 ? 1 : 0;
                cards = 1;
                declines = random.NextDouble() < 0.08 ? 1 : 0;
                newCountry = random.NextDouble() < 0.1;
                country = random.NextDouble() < 0.1 ? Abroad[random.Next(Abroad.Length)] : Home[random.Next(Home.Length)];
                total = random.NextDouble() < 0.08 ? 1000 + random.NextDouble() * 2000 : Math.Exp(3.5 + random.NextDouble() * 2);
            }
            var lines = random.Next(1, 5);
            var units = lines * random.Next(1, 4);
            var unitPrice = Math.Round((decimal)total / units, 2);
            var features = new FraudFeatures(age, others, cards, declines, (double)(unitPrice * units), lines, units, newCountry);
            var snapshot = new OrderSnapshot(Guid.NewGuid(), $"c{i}", $"c{i}@example.com",
                [.. Enumerable.Range(0, lines).Select(l => new OrderLine(Guid.NewGuid(), $"SKU-{l}", "Item", unitPrice, units / lines))],
                "EUR", new Address("N", "S", "C", "P", country), new CardOnFile("card_" + new string('0', 32), "4242"), TimeSpan.FromHours(1));
            orders.Add(new Order(new FraudRecord(features, fraud, start.AddMinutes(i), country), snapshot));
        }
        return orders;
    }
}
