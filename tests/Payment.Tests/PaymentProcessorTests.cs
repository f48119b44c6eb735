using Dapr.Client;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.Payment.Domain;
using ShopDapr.Payment.Infrastructure;

namespace ShopDapr.Payment.Tests;

/// <summary>The processor over the state fake with a controlled clock: claims left behind by a crashed request.</summary>
public sealed class PaymentProcessorTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly TransactionalDapr _dapr = new();
    private readonly SimulatedCardProvider _provider;
    private readonly PaymentProcessor _processor;
    private readonly CardVault _vault;
    private string _token = "";

    public PaymentProcessorTests()
    {
        _provider = new SimulatedCardProvider(_time);
        var store = new PaymentStore(_dapr.Client, NullLogger<PaymentStore>.Instance);
        _vault = new CardVault(_dapr.Client, new DataProtectionCardCipher(new EphemeralDataProtectionProvider()), _time);
        _processor = new PaymentProcessor(store, _vault, _provider,
            new PaymentAnnouncer(store, new PaymentEvents(_dapr.Client), _time, NullLogger<PaymentAnnouncer>.Instance), _time, NullLogger<PaymentProcessor>.Instance);
    }

    private ChargeRequest Request(Guid orderId) => new(orderId, 20m, "EUR", _token);

    /// <summary>The approving card in the vault; <see cref="Request"/> charges by its token.</summary>
    public async ValueTask InitializeAsync() =>
        _token = (await _vault.VaultAsync(new CardDetails(SimulatedCardProvider.Approves, "12/39", "123"), Ct)).Token;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>A request that charged at the provider and crashed before recording it: its Pending claim is left behind.</summary>
    private async Task<string> CrashAfterChargingAsync(Guid orderId)
    {
        var claim = PaymentRecord.Claim(Request(orderId), "4242", _time.GetUtcNow());
        Assert.True(await _dapr.Client.TrySaveStateAsync("statestore", PaymentStore.Key(orderId), claim, "",
            new StateOptions { Concurrency = ConcurrencyMode.FirstWrite }, cancellationToken: Ct));
        var charged = Assert.IsType<ProviderCharge.Approved>(await _provider.ChargeAsync(PaymentProcessor.IdempotencyKey(orderId),
            new ProviderCard(SimulatedCardProvider.Approves, "12/39"), 20m, "EUR", Ct));
        return charged.PaymentId;
    }

    [Fact]
    public async Task A_stale_claim_is_taken_over_and_the_provider_key_prevents_a_second_charge()
    {
        var orderId = Guid.NewGuid();
        var paymentId = await CrashAfterChargingAsync(orderId);
        _time.Advance(PaymentProcessor.StaleClaim + TimeSpan.FromSeconds(1));

        var outcome = Assert.IsType<ChargeOutcome.Charged>(await _processor.ChargeAsync(Request(orderId), Ct));
        Assert.Equal(paymentId, outcome.Result.PaymentId);
        Assert.Equal(1, _provider.Charges);
        Assert.Equal(new LedgerTotals(20m, 0m, 1, 0), _dapr.Get<PaymentLedger>(PaymentStore.LedgerKeyOf(orderId))!.Currencies["EUR"]);
        Assert.IsType<PaymentCharged>(Assert.Single(_dapr.Published).Data);
    }

    [Fact]
    public async Task A_fresh_claim_of_another_request_is_waited_for_then_answered_in_progress()
    {
        var orderId = Guid.NewGuid();
        await CrashAfterChargingAsync(orderId);
        var charging = _processor.ChargeAsync(Request(orderId), Ct);
        // The waiting request polls on the (fake) clock; move it past the wait without passing the stale age.
        while (!charging.IsCompleted)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
            Assert.True(_time.GetUtcNow() - _time.Start < PaymentProcessor.StaleClaim, "the processor kept waiting");
        }
        Assert.IsType<ChargeOutcome.InProgress>(await charging);
        Assert.Equal(1, _provider.Charges);
        Assert.Empty(_dapr.Published);
    }

    [Fact]
    public async Task Refunding_a_pending_charge_is_in_progress_and_moves_nothing()
    {
        var orderId = Guid.NewGuid();
        await CrashAfterChargingAsync(orderId);
        Assert.IsType<RefundOutcome.InProgress>(await _processor.RefundAsync(orderId, Ct));
        Assert.Equal(0, _provider.Refunds);
    }

    [Fact]
    public async Task A_charge_whose_publisher_vanished_is_announced_by_a_repeat_after_the_grace_only()
    {
        var orderId = Guid.NewGuid();
        var charged = PaymentRecord.Claim(Request(orderId), "4242", _time.GetUtcNow()) with
        {
            State = ChargeState.Charged, PaymentId = "pay_x", ChargedAt = _time.GetUtcNow(),
        };
        Assert.True(await _dapr.Client.TrySaveStateAsync("statestore", PaymentStore.Key(orderId), charged, "",
            new StateOptions { Concurrency = ConcurrencyMode.FirstWrite }, cancellationToken: Ct));

        Assert.IsType<ChargeOutcome.Charged>(await _processor.ChargeAsync(Request(orderId), Ct));
        Assert.Empty(_dapr.Published); // its publisher may still be at work

        _time.Advance(PaymentAnnouncer.Grace + TimeSpan.FromSeconds(1));
        Assert.IsType<ChargeOutcome.Charged>(await _processor.ChargeAsync(Request(orderId), Ct));
        Assert.IsType<ChargeOutcome.Charged>(await _processor.ChargeAsync(Request(orderId), Ct));
        Assert.Equal("pay_x", Assert.IsType<PaymentCharged>(Assert.Single(_dapr.Published).Data).PaymentId);
        Assert.Equal(Announcement.Done, _dapr.Get<PaymentRecord>(PaymentStore.Key(orderId))!.Announcement);
        Assert.Equal(0, _provider.Charges);
    }

    [Fact]
    public async Task A_charge_reads_the_card_from_the_vault_and_records_its_last_four_only()
    {
        var orderId = Guid.NewGuid();

        var outcome = Assert.IsType<ChargeOutcome.Charged>(await _processor.ChargeAsync(Request(orderId), Ct));

        Assert.Equal(1, _provider.Charges);
        Assert.Equal(1, _provider.Attempts(PaymentProcessor.IdempotencyKey(orderId)));
        var record = _dapr.Get<PaymentRecord>(PaymentStore.Key(orderId))!;
        Assert.Equal((ChargeState.Charged, "4242", outcome.Result.PaymentId), (record.State, record.CardLast4, record.PaymentId));
    }

    [Theory]
    [InlineData(SimulatedCardProvider.Declines, DeclineCodes.CardDeclined)]
    [InlineData(SimulatedCardProvider.InsufficientFunds, DeclineCodes.InsufficientFunds)]
    public async Task A_vaulted_declining_test_card_is_declined_as_before(string number, string code)
    {
        var token = (await _vault.VaultAsync(new CardDetails(number, "12/39", "123"), Ct)).Token;

        var declined = Assert.IsType<ChargeOutcome.Declined>(await _processor.ChargeAsync(Request(Guid.NewGuid()) with { CardToken = token }, Ct));

        Assert.Equal(code, declined.Code);
        Assert.Equal(0, _provider.Charges);
    }

    [Fact]
    public async Task An_unknown_token_is_refused_and_writes_nothing()
    {
        var orderId = Guid.NewGuid();

        Assert.IsType<ChargeOutcome.UnknownCard>(await _processor.ChargeAsync(Request(orderId) with { CardToken = "card_" + new string('f', 32) }, Ct));

        Assert.Null(_dapr.Get<PaymentRecord>(PaymentStore.Key(orderId)));
        Assert.Equal(0, _provider.Attempts(PaymentProcessor.IdempotencyKey(orderId)));
        Assert.Empty(_dapr.Published);
    }

    [Fact]
    public async Task A_vault_entry_copied_under_another_token_does_not_open()
    {
        var other = (await _vault.VaultAsync(new CardDetails(SimulatedCardProvider.Declines, "12/39", "123"), Ct)).Token;
        var entry = _dapr.Get<VaultEntry>(CardVault.Key(_token))!;
        Assert.True(await _dapr.Client.TrySaveStateAsync<VaultEntry?>("statestore", CardVault.Key(other), entry with { Token = other }, "",
            new StateOptions { Concurrency = ConcurrencyMode.LastWrite }, cancellationToken: Ct));

        Assert.Null(await _vault.OpenAsync(other, Ct));
        Assert.IsType<ChargeOutcome.UnknownCard>(await _processor.ChargeAsync(Request(Guid.NewGuid()) with { CardToken = other }, Ct));
        Assert.Equal(0, _provider.Charges);
    }
}
