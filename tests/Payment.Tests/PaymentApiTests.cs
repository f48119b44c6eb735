using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ShopDapr.Contracts.Payment;
using ShopDapr.Payment.Domain;
using ShopDapr.Payment.Infrastructure;
using ShopDapr.Testing;

namespace ShopDapr.Payment.Tests;

public sealed class PaymentApiTests : IAsyncLifetime
{
    private readonly PaymentFactory _app = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app.Sidecar(); // starts the in-process server once, before tests call it in parallel
        await _app.TokenOfAsync(); // the approving card vaulted before a test watches the store's writes
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private PaymentLedger Ledger =>
        PaymentStore.LedgerKeys.Select(k => _app.State.Get<PaymentLedger>(k)).Aggregate(PaymentLedger.Empty, (sum, shard) => shard is null ? sum : sum.Plus(shard));

    [Fact]
    public async Task Approved_card_is_charged_recorded_in_the_ledger_and_announced()
    {
        var orderId = Guid.NewGuid();
        var response = await _app.ChargeAsync(orderId, amount: 42.50m, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<PaymentResult>(Ct);
        Assert.Equal((orderId, PaymentStatus.Charged, 42.50m, "EUR"), (result!.OrderId, result.Status, result.Amount, result.Currency));
        Assert.StartsWith("pay_", result.PaymentId);

        Assert.Equal(new LedgerTotals(42.50m, 0m, 1, 0), Ledger.Currencies["EUR"]);
        var (pubsub, topic, data, metadata) = Assert.Single(_app.State.Published);
        Assert.Equal(("pubsub", "order-events", "PaymentCharged"), (pubsub, topic, metadata["cloudevent.type"]));
        var charged = Assert.IsType<PaymentCharged>(data);
        Assert.Equal((orderId, result.PaymentId, 42.50m), (charged.OrderId, charged.PaymentId, charged.Amount));
    }

    [Fact]
    public async Task Concurrent_duplicate_charges_charge_once_and_all_get_the_same_payment()
    {
        const int duplicates = 8;
        var orderId = Guid.NewGuid();
        // Hold every duplicate's first save until all have read "no record": they then race to claim at the same moment.
        var arrived = 0;
        var allRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _app.State.BeforeSave = async _ =>
        {
            var n = Interlocked.Increment(ref arrived);
            if (n == duplicates)
                allRead.SetResult();
            if (n <= duplicates)
                await allRead.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        };
        var responses = await Task.WhenAll(Enumerable.Range(0, duplicates).Select(_ => Task.Run(() => _app.ChargeAsync(orderId, cancellationToken: Ct), Ct)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<PaymentResult>(Ct))!.PaymentId));
        Assert.Single(ids.Distinct());
        Assert.Equal(1, _app.Provider.Charges);
        Assert.Equal(1, _app.Provider.Attempts(PaymentProcessor.IdempotencyKey(orderId)));
        Assert.Equal(new LedgerTotals(42.50m, 0m, 1, 0), Ledger.Currencies["EUR"]);
        Assert.Single(_app.State.Published);
    }

    [Fact]
    public async Task A_repeat_after_the_charge_answers_from_the_record_and_another_amount_is_409()
    {
        var orderId = Guid.NewGuid();
        var first = await (await _app.ChargeAsync(orderId, cancellationToken: Ct)).Content.ReadFromJsonAsync<PaymentResult>(Ct);
        var again = await (await _app.ChargeAsync(orderId, cancellationToken: Ct)).Content.ReadFromJsonAsync<PaymentResult>(Ct);
        Assert.Equal(first, again);
        var other = await _app.ChargeAsync(orderId, amount: 1m, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        await other.ReadProblemAsync(Ct);
        Assert.Equal(1, _app.Provider.Charges);
        Assert.Single(_app.State.Published);
    }

    [Theory]
    [InlineData(SimulatedCardProvider.Declines, DeclineCodes.CardDeclined)]
    [InlineData(SimulatedCardProvider.InsufficientFunds, DeclineCodes.InsufficientFunds)]
    [InlineData("5555555555554444", DeclineCodes.CardDeclined)]
    public async Task A_declined_card_is_402_problem_remembered_per_order_and_announced(string card, string code)
    {
        var orderId = Guid.NewGuid();
        for (var i = 0; i < 2; i++)
        {
            var response = await _app.ChargeAsync(orderId, card, cancellationToken: Ct);
            Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
            var problem = await response.ReadProblemAsync(Ct);
            Assert.Equal(code, problem.GetProperty("code").GetString());
        }
        Assert.Equal(1, _app.Provider.Attempts(PaymentProcessor.IdempotencyKey(orderId)));
        Assert.Equal("Declined", _app.State.Get<PaymentRecord>(PaymentStore.Key(orderId))!.State.ToString());
        Assert.Empty(Ledger.Currencies);
        var declined = Assert.IsType<PaymentDeclined>(Assert.Single(_app.State.Published).Data);
        Assert.Equal(orderId, declined.OrderId);
    }

    [Fact]
    public async Task The_flaky_card_is_503_twice_leaving_no_record_then_charges_once()
    {
        var orderId = Guid.NewGuid();
        for (var i = 0; i < SimulatedCardProvider.TransientFailures; i++)
        {
            var failed = await _app.ChargeAsync(orderId, SimulatedCardProvider.FailsTwiceThenApproves, cancellationToken: Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            Assert.NotNull(failed.Headers.RetryAfter);
            await failed.ReadProblemAsync(Ct);
            Assert.Null(_app.State.Get<PaymentRecord>(PaymentStore.Key(orderId)));
        }
        var response = await _app.ChargeAsync(orderId, SimulatedCardProvider.FailsTwiceThenApproves, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, _app.Provider.Attempts(PaymentProcessor.IdempotencyKey(orderId)));
        Assert.Equal(1, _app.Provider.Charges);
        Assert.IsType<PaymentCharged>(Assert.Single(_app.State.Published).Data);
    }

    [Fact]
    public async Task Refunding_twice_refunds_once()
    {
        var orderId = Guid.NewGuid();
        var charged = await (await _app.ChargeAsync(orderId, amount: 10m, cancellationToken: Ct)).Content.ReadFromJsonAsync<PaymentResult>(Ct);
        var results = new List<PaymentResult>();
        for (var i = 0; i < 2; i++)
        {
            var response = await _app.Sidecar().PostAsync(PaymentRoutes.Refund(orderId), null, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            results.Add((await response.Content.ReadFromJsonAsync<PaymentResult>(Ct))!);
        }
        Assert.All(results, r => Assert.Equal((PaymentStatus.Refunded, charged!.PaymentId, 10m), (r.Status, r.PaymentId, r.Amount)));
        Assert.Equal(1, _app.Provider.Refunds);
        Assert.Equal(new LedgerTotals(10m, 10m, 1, 1), Ledger.Currencies["EUR"]);
        Assert.Single(_app.State.Published, p => p.Data is PaymentRefunded);
        // A charge repeated after the refund does not charge again either.
        var repeat = await (await _app.ChargeAsync(orderId, amount: 10m, cancellationToken: Ct)).Content.ReadFromJsonAsync<PaymentResult>(Ct);
        Assert.Equal(PaymentStatus.Refunded, repeat!.Status);
        Assert.Equal(1, _app.Provider.Charges);
    }

    [Fact]
    public async Task Concurrent_refunds_refund_once()
    {
        var orderId = Guid.NewGuid();
        await _app.ChargeAsync(orderId, cancellationToken: Ct);
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _app.Sidecar().PostAsync(PaymentRoutes.Refund(orderId), null, Ct), Ct)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, Ledger.Currencies["EUR"].Refunds);
        Assert.Single(_app.State.Published, p => p.Data is PaymentRefunded);
    }

    [Fact]
    public async Task A_concurrent_ledger_change_is_retried_not_lost()
    {
        // Two orders whose money lands in the same ledger shard.
        var second = Guid.NewGuid();
        var first = Guid.NewGuid();
        while (PaymentStore.LedgerKeyOf(first) != PaymentStore.LedgerKeyOf(second))
            first = Guid.NewGuid();
        var touched = false;
        _app.State.BeforeTransaction = () =>
        {
            if (touched)
                return;
            touched = true;
            _app.State.Touch(PaymentStore.LedgerKeyOf(second));
        };
        await _app.ChargeAsync(first, amount: 1m, cancellationToken: Ct); // creates the shard (touch finds nothing)
        touched = false;
        Assert.Equal(HttpStatusCode.OK, (await _app.ChargeAsync(second, amount: 2m, cancellationToken: Ct)).StatusCode);
        Assert.True(touched);
        Assert.Equal(new LedgerTotals(3m, 0m, 2, 0), Ledger.Currencies["EUR"]);
    }

    [Fact]
    public async Task An_event_that_failed_to_publish_is_published_by_the_next_repeat_without_charging_again()
    {
        var orderId = Guid.NewGuid();
        _app.State.FailNextPublishes(1);
        var failed = await _app.ChargeAsync(orderId, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        await failed.ReadProblemAsync(Ct);
        Assert.Empty(_app.State.Published);
        Assert.Equal(Announcement.Failed, _app.State.Get<PaymentRecord>(PaymentStore.Key(orderId))!.Announcement);

        Assert.Equal(HttpStatusCode.OK, (await _app.ChargeAsync(orderId, cancellationToken: Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.ChargeAsync(orderId, cancellationToken: Ct)).StatusCode);
        Assert.IsType<PaymentCharged>(Assert.Single(_app.State.Published).Data);
        Assert.Equal(Announcement.Done, _app.State.Get<PaymentRecord>(PaymentStore.Key(orderId))!.Announcement);
        Assert.Equal(1, _app.Provider.Charges);
        Assert.Equal(1, Ledger.Currencies["EUR"].Charges);
    }

    [Fact]
    public async Task A_refund_after_an_unannounced_charge_announces_the_charge_first()
    {
        var orderId = Guid.NewGuid();
        _app.State.FailNextPublishes(1);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _app.ChargeAsync(orderId, cancellationToken: Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.Sidecar().PostAsync(PaymentRoutes.Refund(orderId), null, Ct)).StatusCode);
        Assert.Collection(_app.State.Published, p => Assert.IsType<PaymentCharged>(p.Data), p => Assert.IsType<PaymentRefunded>(p.Data));
        Assert.Equal(new LedgerTotals(42.50m, 42.50m, 1, 1), Ledger.Currencies["EUR"]);
    }

    [Fact]
    public async Task Refunding_what_was_never_charged_is_404()
    {
        var unknown = await _app.Sidecar().PostAsync(PaymentRoutes.Refund(Guid.NewGuid()), null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        await unknown.ReadProblemAsync(Ct);

        var declined = Guid.NewGuid();
        await _app.ChargeAsync(declined, SimulatedCardProvider.Declines, cancellationToken: Ct);
        var response = await _app.Sidecar().PostAsync(PaymentRoutes.Refund(declined), null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, _app.Provider.Refunds);
    }

    [Fact]
    public async Task The_card_number_is_never_stored_logged_announced_or_returned()
    {
        var orderId = Guid.NewGuid();
        var bodies = new List<string>
        {
            await (await _app.ChargeAsync(orderId, cancellationToken: Ct)).Content.ReadAsStringAsync(Ct),
            await (await _app.ChargeAsync(Guid.NewGuid(), SimulatedCardProvider.Declines, cancellationToken: Ct)).Content.ReadAsStringAsync(Ct),
            await _app.ClientWith(_app.Tokens.Admin()).GetStringAsync($"/api/payments/{orderId}", Ct),
        };
        var view = JsonSerializer.Deserialize<JsonElement>(bodies[2]);
        Assert.Equal("4242", view.GetProperty("cardLast4").GetString());
        var everything = string.Join("\n", bodies.Concat(_app.State.Snapshot().Values).Concat(_app.Logs.Lines)
            .Concat(_app.State.Published.Select(p => JsonSerializer.Serialize(p.Data))));
        Assert.NotEmpty(_app.Logs.Lines);
        Assert.DoesNotContain(SimulatedCardProvider.Approves, everything);
        Assert.DoesNotContain(SimulatedCardProvider.Declines, everything);
        Assert.DoesNotContain("424242424242", everything);
    }

    [Fact]
    public async Task The_admin_ledger_shows_charged_refunded_and_net_per_currency()
    {
        var kept = Guid.NewGuid();
        var refunded = Guid.NewGuid();
        while (PaymentStore.LedgerKeyOf(refunded) == PaymentStore.LedgerKeyOf(kept))
            refunded = Guid.NewGuid(); // two shards: the view is their sum
        await _app.ChargeAsync(kept, amount: 30m, cancellationToken: Ct);
        await _app.ChargeAsync(refunded, amount: 12.25m, cancellationToken: Ct);
        await _app.Sidecar().PostAsync(PaymentRoutes.Refund(refunded), null, Ct);

        var ledger = await _app.ClientWith(_app.Tokens.Admin()).GetFromJsonAsync<JsonElement>("/api/payments/ledger", Ct);
        var eur = Assert.Single(ledger.GetProperty("items").EnumerateArray());
        Assert.Equal(("EUR", 42.25m, 12.25m, 30m), (eur.GetProperty("currency").GetString(), eur.GetProperty("charged").GetDecimal(),
            eur.GetProperty("refunded").GetDecimal(), eur.GetProperty("net").GetDecimal()));
    }
}
