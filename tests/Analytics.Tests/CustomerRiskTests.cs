using ShopDapr.Analytics.Domain.Fraud;

namespace ShopDapr.Analytics.Tests;

public sealed class CustomerRiskTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_orders_features_are_the_same_before_and_after_it_is_counted_in()
    {
        var (earlier, order) = (Guid.NewGuid(), Guid.NewGuid());
        var risk = CustomerRisk.Empty("c").Registered(Now.AddDays(-1)).WithOrder(earlier, Now.AddMinutes(-5), "1111", "GB");

        var before = risk.FeaturesOf(order, Now, "2222", "ng", 50m, 1, 2);
        var after = risk.WithOrder(order, Now, "2222", "NG").FeaturesOf(order, Now, "2222", "ng", 50m, 1, 2);

        Assert.Equal(before, after);
        Assert.Equal((1.0, 1, 2, true), (before.AccountAgeDays, before.OrdersLastHour, before.DistinctCardsLastHour, before.NewShippingCountry));
    }

    [Fact]
    public void Old_orders_and_declines_fall_out_and_every_list_stays_bounded()
    {
        var risk = CustomerRisk.Empty("c");
        for (var i = 0; i < 200; i++)
            risk = risk.WithOrder(Guid.NewGuid(), Now.AddMinutes(-i * 5), $"{i % 10:0000}", $"C{i}").WithDecline(Now.AddMinutes(-i * 5));

        Assert.InRange(risk.Orders.Count, 1, CustomerRisk.MaxOrders);
        Assert.InRange(risk.Declines.Count, 1, CustomerRisk.MaxDeclines);
        Assert.Equal(CustomerRisk.MaxCountries, risk.Countries.Count);
        var features = risk.FeaturesOf(Guid.NewGuid(), Now.AddDays(3), "9999", "GB", 1m, 1, 1);
        Assert.Equal((0, 1, 0), (features.OrdersLastHour, features.DistinctCardsLastHour, features.DeclinesLastDay));
        Assert.Null(features.AccountAgeDays);
    }
}
