using ShopDapr.Contracts.Inventory;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Shipping;
using ShopDapr.Shipping.Domain;

namespace ShopDapr.Shipping.Tests;

public sealed class ShipmentRulesTests
{
    [Fact]
    public void Tracking_numbers_are_SD_and_ten_digits_stable_per_order_and_differ_between_orders()
    {
        var numbers = Enumerable.Range(0, 500).Select(_ => Guid.NewGuid()).Select(id => (id, n: ShipmentIds.TrackingNumber(id))).ToList();
        Assert.All(numbers, x => Assert.Matches("^SD[0-9]{10}$", x.n));
        Assert.All(numbers, x => Assert.Equal(x.n, ShipmentIds.TrackingNumber(x.id)));
        Assert.Equal(numbers.Count, numbers.Select(x => x.n).Distinct().Count());
        Assert.Equal("SD", ShipmentIds.TrackingNumber(Guid.Empty)[..2]);
    }

    private static CreateShipmentRequest Good() =>
        new(Guid.NewGuid(), new Address("Ada", "1 Way", "London", "N1", "GB"), [new StockLine("SKU-1", 1)]);

    public static TheoryData<string, CreateShipmentRequest, int> Bad => new()
    {
        { "no order", Good() with { OrderId = Guid.Empty }, 400 },
        { "no address", Good() with { Address = null! }, 400 },
        { "no lines", Good() with { Lines = [] }, 400 },
        { "null lines", Good() with { Lines = null! }, 400 },
        { "blank sku", Good() with { Lines = [new StockLine(" ", 1)] }, 400 },
        { "zero quantity", Good() with { Lines = [new StockLine("A", 0)] }, 422 },
        { "huge quantity", Good() with { Lines = [new StockLine("A", 1000)] }, 422 },
        { "blank city", Good() with { Address = new Address("Ada", "1 Way", "", "N1", "GB") }, 422 },
        { "header injection", Good() with { Address = new Address("Ada\r\nBcc: x@y", "1 Way", "London", "N1", "GB") }, 422 },
        { "too long", Good() with { Address = new Address(new string('a', 201), "1 Way", "London", "N1", "GB") }, 422 },
        { "too many lines", Good() with { Lines = [.. Enumerable.Range(0, 101).Select(i => new StockLine($"S{i}", 1))] }, 422 },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void Bad_requests_are_refused(string why, CreateShipmentRequest request, int status) =>
        Assert.True(ShipmentRules.Check(request)?.Status == status, why);

    [Fact]
    public void A_good_request_passes() => Assert.Null(ShipmentRules.Check(Good()));
}
