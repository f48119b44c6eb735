using Microsoft.Extensions.Time.Testing;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Payment.Domain;

namespace ShopDapr.Payment.Tests;

public sealed class SimulatedCardProviderTests
{
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ProviderCard Card(string number, string expiry = "12/39") => new(number, expiry);

    [Theory]
    [InlineData(SimulatedCardProvider.Declines, DeclineCodes.CardDeclined)]
    [InlineData(SimulatedCardProvider.InsufficientFunds, DeclineCodes.InsufficientFunds)]
    [InlineData("4000056655665556", DeclineCodes.CardDeclined)] // Luhn-valid, but not one of our test cards (Stripe test mode: real cards decline)
    [InlineData("5555555555554444", DeclineCodes.CardDeclined)]
    [InlineData("4242424242424241", DeclineCodes.IncorrectNumber)] // fails the Luhn check
    public async Task Cards_other_than_the_approving_ones_are_declined_with_Stripes_code(string number, string code)
    {
        var provider = new SimulatedCardProvider(Time);
        var answer = await provider.ChargeAsync("k1", Card(number), 10m, "EUR", Ct);
        Assert.Equal(code, Assert.IsType<ProviderCharge.Declined>(answer).Code);
        Assert.Equal(0, provider.Charges);
    }

    [Fact]
    public async Task An_expired_card_is_declined_as_expired_card_and_this_month_is_still_valid()
    {
        var provider = new SimulatedCardProvider(Time);
        Assert.Equal(DeclineCodes.ExpiredCard, Assert.IsType<ProviderCharge.Declined>(
            await provider.ChargeAsync("old", Card(SimulatedCardProvider.Approves, "10/26"), 1m, "EUR", Ct)).Code);
        Assert.IsType<ProviderCharge.Approved>(await provider.ChargeAsync("now", Card(SimulatedCardProvider.Approves, "11/2026"), 1m, "EUR", Ct));
    }

    [Fact]
    public async Task The_approving_card_charges_once_per_key_and_a_repeat_gets_the_same_payment()
    {
        var provider = new SimulatedCardProvider(Time);
        var first = Assert.IsType<ProviderCharge.Approved>(await provider.ChargeAsync("k", Card(SimulatedCardProvider.Approves), 5m, "EUR", Ct));
        var again = Assert.IsType<ProviderCharge.Approved>(await provider.ChargeAsync("k", Card(SimulatedCardProvider.Approves), 5m, "EUR", Ct));
        Assert.Equal(first.PaymentId, again.PaymentId);
        Assert.StartsWith("pay_", first.PaymentId);
        Assert.Equal(1, provider.Charges);
        await provider.ChargeAsync("other", Card(SimulatedCardProvider.Approves), 5m, "EUR", Ct);
        Assert.Equal(2, provider.Charges);
    }

    [Fact]
    public async Task The_flaky_card_fails_transiently_twice_per_key_then_approves()
    {
        var provider = new SimulatedCardProvider(Time);
        var card = Card(SimulatedCardProvider.FailsTwiceThenApproves);
        Assert.IsType<ProviderCharge.TransientFailure>(await provider.ChargeAsync("a", card, 1m, "EUR", Ct));
        Assert.IsType<ProviderCharge.TransientFailure>(await provider.ChargeAsync("a", card, 1m, "EUR", Ct));
        // Another order with the same card starts its own count.
        Assert.IsType<ProviderCharge.TransientFailure>(await provider.ChargeAsync("b", card, 1m, "EUR", Ct));
        Assert.IsType<ProviderCharge.Approved>(await provider.ChargeAsync("a", card, 1m, "EUR", Ct));
        Assert.Equal(3, provider.Attempts("a"));
        Assert.Equal(1, provider.Charges);
    }

    [Fact]
    public async Task A_refund_key_moves_money_back_once()
    {
        var provider = new SimulatedCardProvider(Time);
        var first = Assert.IsType<ProviderRefund.Refunded>(await provider.RefundAsync("r", "pay_1", 5m, "EUR", Ct));
        var again = Assert.IsType<ProviderRefund.Refunded>(await provider.RefundAsync("r", "pay_1", 5m, "EUR", Ct));
        Assert.Equal(first.RefundId, again.RefundId);
        Assert.Equal(1, provider.Refunds);
    }
}
