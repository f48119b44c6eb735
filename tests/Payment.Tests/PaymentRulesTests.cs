using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.Payment.Domain;

namespace ShopDapr.Payment.Tests;

public sealed class PaymentRulesTests
{
    [Theory]
    [InlineData("4242424242424242", true)]
    [InlineData("4000000000000119", true)]
    [InlineData("424242424242", true)] // 12 digits, Luhn-valid
    [InlineData("4242424242424243", false)] // a typo: fails the Luhn check
    [InlineData("4242 4242 4242 4242", false)] // one form: digits only
    [InlineData("4242-4242-4242-4242", false)]
    [InlineData("42424242424", false)]
    [InlineData("42424242424242424242", false)]
    [InlineData("4242x24242424242", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_card_number_is_12_to_19_digits_passing_Luhn(string? number, bool valid) =>
        Assert.Equal(valid, CheckoutRules.IsCardNumber(number));

    [Fact]
    public void Only_the_last_four_digits_are_kept()
    {
        Assert.Equal("4242", CheckoutRules.Last4("4242424242424242"));
        Assert.True(CheckoutRules.PassesLuhn(SimulatedCardProvider.Approves));
        Assert.True(CheckoutRules.PassesLuhn(SimulatedCardProvider.FailsTwiceThenApproves));
    }

    [Theory]
    [InlineData("12/39", 2039, 12)]
    [InlineData("01/2030", 2030, 1)]
    public void Expiry_is_MM_YY_or_MM_YYYY(string expiry, int year, int month) =>
        Assert.Equal(new CardExpiry(year, month), CardExpiry.Parse(expiry));

    [Theory]
    [InlineData("13/30")]
    [InlineData("00/30")]
    [InlineData("1/30")]
    [InlineData("12-30")]
    [InlineData("12/3")]
    [InlineData("12/203")]
    [InlineData("ab/cd")]
    public void Other_expiry_shapes_are_refused(string expiry) => Assert.Null(CardExpiry.Parse(expiry));

    [Fact]
    public void Cart_and_the_vault_agree_on_one_card_because_they_call_one_rule()
    {
        // MM/YYYY was payment's alone before; now every caller accepts both forms, and the same card errors everywhere.
        var card = new CardDetails(SimulatedCardProvider.Approves, "01/2031", "1234");
        var address = new Address("A", "S", "C", "P", "FR");
        Assert.Empty(CheckoutRules.Check(address, card));
        var vaultErrors = new Dictionary<string, string[]>();
        CheckoutRules.CheckCard(card, vaultErrors);
        Assert.Empty(vaultErrors);
        var typo = card with { Number = "4242424242424241" };
        Assert.Equal(["card.number"], CheckoutRules.Check(address, typo).Keys);
        CheckoutRules.CheckCard(typo, vaultErrors);
        Assert.Equal(["card.number"], vaultErrors.Keys);
    }

    [Fact]
    public void A_card_never_prints_its_number_or_cvc()
    {
        var card = new CardDetails(SimulatedCardProvider.Approves, "01/2031", "7319");
        Assert.Equal("card ending 4242", card.ToString());
        Assert.Equal("card ending 4242", new ProviderCard(SimulatedCardProvider.Approves, "01/2031").ToString());
    }

    public static TheoryData<string, ChargeRequest, int> Requests => new()
    {
        { "no order id", Request() with { OrderId = Guid.Empty }, 400 },
        { "no card token", Request() with { CardToken = null! }, 400 },
        { "a card number instead of a token", Request() with { CardToken = SimulatedCardProvider.Approves }, 400 },
        { "upper-case token", Request() with { CardToken = "card_" + new string('A', 32) }, 400 },
        { "short token", Request() with { CardToken = "card_0123" }, 400 },
        { "zero", Request() with { Amount = 0m }, 422 },
        { "negative", Request() with { Amount = -5m }, 422 },
        { "too much", Request() with { Amount = ChargeRules.MaxAmount + 1 }, 422 },
        { "fractions of a cent", Request() with { Amount = 1.001m }, 422 },
        { "lower-case currency", Request() with { Currency = "eur" }, 422 },
        { "no currency", Request() with { Currency = null! }, 422 },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Bad_charge_requests_are_refused(string why, ChargeRequest request, int status) =>
        Assert.True(ChargeRules.Check(request)?.Status == status, why);

    [Fact]
    public void A_good_request_passes() => Assert.Null(ChargeRules.Check(Request()));

    [Fact]
    public void The_ledger_sums_charges_and_refunds_per_currency()
    {
        var ledger = PaymentLedger.Empty.Charge("EUR", 10m).Charge("EUR", 5.50m).Refund("EUR", 10m).Charge("USD", 3m);
        Assert.Equal(new LedgerTotals(15.50m, 10m, 2, 1), ledger.Currencies["EUR"]);
        Assert.Equal(5.50m, ledger.Currencies["EUR"].Net);
        Assert.Equal(3m, ledger.Currencies["USD"].Net);
        Assert.Empty(PaymentLedger.Empty.Currencies);
    }

    [Fact]
    public void Ledger_shards_add_up_per_currency()
    {
        var sum = PaymentLedger.Empty.Charge("EUR", 10m).Plus(PaymentLedger.Empty.Charge("EUR", 2m).Refund("EUR", 2m).Charge("USD", 3m));
        Assert.Equal(new LedgerTotals(12m, 2m, 2, 1), sum.Currencies["EUR"]);
        Assert.Equal(new LedgerTotals(3m, 0m, 1, 0), sum.Currencies["USD"]);
    }

    private static ChargeRequest Request() => new(Guid.NewGuid(), 19.99m, "EUR", "card_" + new string('0', 32));
}
