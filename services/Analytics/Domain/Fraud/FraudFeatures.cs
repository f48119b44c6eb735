using System.Globalization;

namespace ShopDapr.Analytics.Domain.Fraud;

/// <summary>
/// What the fraud model sees of one order, as it stood when the order was placed: the customer's account age (null when
/// analytics never saw them register), their other orders and the distinct cards (last four digits) used in the last
/// hour including this order's, their payment declines in the last day, the order's total, lines and units, and whether
/// it ships to a country the customer has not shipped to before. (No card's issuing country is known anywhere in the
/// shop, so "ships somewhere new for this customer" stands in for "shipping and card country differ".)
/// </summary>
public sealed record FraudFeatures(
    double? AccountAgeDays, int OrdersLastHour, int DistinctCardsLastHour, int DeclinesLastDay,
    double Total, int Lines, int Units, bool NewShippingCountry)
{
    public const int Count = 8;

    /// <summary>Account age given to a customer whose registration analytics never saw: old enough to be unremarkable.</summary>
    public const double UnknownAccountAgeDays = 365;

    public float[] Vector =>
    [
        (float)Math.Min(AccountAgeDays ?? UnknownAccountAgeDays, 10 * 365), OrdersLastHour, DistinctCardsLastHour, DeclinesLastDay,
        (float)Total, Lines, Units, NewShippingCountry ? 1 : 0,
    ];

    /// <summary>Feature <paramref name="index"/> of <see cref="Vector"/> in words, for an order whose value is this record's.</summary>
    public string Describe(int index) => index switch
    {
        0 => AccountAgeDays is { } days ? $"account is {Days(days)} old" : "no registration seen for the account",
        1 => $"{OrdersLastHour} other order{(OrdersLastHour == 1 ? "" : "s")} in the last hour",
        2 => $"{DistinctCardsLastHour} distinct card{(DistinctCardsLastHour == 1 ? "" : "s")} in the last hour",
        3 => $"{DeclinesLastDay} payment decline{(DeclinesLastDay == 1 ? "" : "s")} in the last day",
        4 => $"order total {Total.ToString("0.00", CultureInfo.InvariantCulture)}",
        5 => $"{Lines} order line{(Lines == 1 ? "" : "s")}",
        6 => $"{Units} unit{(Units == 1 ? "" : "s")}",
        7 => NewShippingCountry ? "ships to a country the customer never shipped to before" : "ships to a country the customer shipped to before",
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    private static string Days(double days) => days < 1
        ? $"{Math.Max(0, (int)(days * 24))} hour{((int)(days * 24) == 1 ? "" : "s")}"
        : $"{(int)days} day{((int)days == 1 ? "" : "s")}";
}
