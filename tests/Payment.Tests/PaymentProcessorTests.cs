using Dapr.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.Payment.Domain;
using ShopDapr.Payment.Infrastructure;

namespace ShopDapr.Payment.Tests;

/// <summary>The processor over the state fake with a controlled clock: claims left behind by a crashed request.</summary>
public sealed class PaymentProcessorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly TransactionalDapr _dapr = new();
    private readonly SimulatedCardProvider _provider;
    private readonly PaymentProcessor _processor;

    public PaymentProcessorTests()
    {
        _provider = new SimulatedCardProvider(_time);
        var store = new PaymentStore(_dapr.Client, NullLogger<PaymentStore>.Instance);
        _processor = new PaymentProcessor(store, _provider,
            new PaymentAnnouncer(store, new PaymentEvents(_dapr.Client), _time, NullLogger<PaymentAnnouncer>.Instance), _time, NullLogger<PaymentProcessor>.Instance);
    }

    private static ChargeRequest Request(Guid orderId) => new(orderId, 20m, "EUR", new CardDetails(SimulatedCardProvider.Approves, "12/39", "123"));

    /// <summary>A request that charged at the provider and crashed before recording it: its Pending claim is left behind.</summary>
    private async Task<string> CrashAfterChargingAsync(Guid orderId)
    {
        var claim = PaymentRecord.Claim(Request(orderId), "4242", _time.GetUtcNow());
        Assert.True(await _dapr.Client.TrySaveStateAsync("statestore", PaymentStore.Key(orderId), claim, "",
            new StateOptions { Concurrency = ConcurrencyMode.FirstWrite }, cancellationToken: Ct));
        var charged = Assert.IsType<ProviderCharge.Approved>(await _provider.ChargeAsync(PaymentProcessor.IdempotencyKey(orderId),
            Request(orderId).Card, 20m, "EUR", Ct));
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
}
