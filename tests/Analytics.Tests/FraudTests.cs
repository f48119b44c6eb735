using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ShopDapr.Analytics.Domain.Fraud;
using ShopDapr.Analytics.Infrastructure;
using ShopDapr.Contracts.Analytics;
using ShopDapr.Contracts.Identity;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Contracts.Payment;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Analytics.Tests;

/// <summary>Fraud features and labels from delivered events, training through the API, and the score route, behind a real dev sidecar.</summary>
public sealed class FraudTests : IAsyncLifetime
{
    private AnalyticsFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await AnalyticsFactory.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Admin() => _app.ClientWith(_app.Tokens.Create("root", [ShopNames.Roles.Admin]));

    private static OrderSubmitted Order(string customer, DateTimeOffset at, string card, string country, int lines = 1) => new(
        Guid.NewGuid(), Guid.NewGuid(), 1, customer, $"{customer}@example.com", at,
        [.. Enumerable.Range(0, lines).Select(_ => new OrderLine(Guid.NewGuid(), "SKU-1", "Item", 40m, 2))], 80m * lines, "EUR",
        new Address("M", "1 Street", "Town", "000", country), card);

    private async Task DeliverAsync(string topic, object e, string? id = null) =>
        Assert.Equal("SUCCESS", (await _app.DeliverAsync(topic, e.GetType().Name, e, id, Ct)).Status);

    private static IntegrationEvents Lifecycle(OrderSubmitted o) => new(o);

    private sealed record IntegrationEvents(OrderSubmitted O)
    {
        public OrderAwaitingApproval Held => new(Guid.NewGuid(), O.OrderId, 2, O.CustomerId, O.CustomerEmail, O.OccurredAt, 0.9, ["r"], "rules");
        public OrderCompleted Completed => new(Guid.NewGuid(), O.OrderId, 3, O.CustomerId, O.CustomerEmail, O.OccurredAt);
        public OrderCancelled Cancelled(string reason) => new(Guid.NewGuid(), O.OrderId, 3, O.CustomerId, O.CustomerEmail, O.OccurredAt, reason, false);
    }

    [Fact]
    public async Task Features_and_labels_come_from_the_events_in_order_each_applied_once()
    {
        var now = DateTimeOffset.UtcNow;
        await DeliverAsync("user-behavior", new UserRegistered("mallory", "m@example.com", "M", now.AddHours(-2)));
        var first = Order("mallory", now.AddMinutes(-30), "1111", "GB");
        var second = Order("mallory", now.AddMinutes(-20), "2222", "GB");
        var third = Order("mallory", now, "3333", "NG", lines: 3);
        await DeliverAsync("order-events", first);
        await DeliverAsync("order-events", second);
        await DeliverAsync("order-events", new PaymentDeclined(second.OrderId, "card declined", now.AddMinutes(-19)), "decline-1");
        await DeliverAsync("order-events", new PaymentDeclined(second.OrderId, "card declined", now.AddMinutes(-19)), "decline-1");
        await DeliverAsync("order-events", third);

        var firstCase = _app.Dapr.Read<FraudCase>(StateKeys.FraudCase(first.OrderId))!;
        Assert.Equal((0, 1, 0, false), (firstCase.Features.OrdersLastHour, firstCase.Features.DistinctCardsLastHour, firstCase.Features.DeclinesLastDay, firstCase.Features.NewShippingCountry));
        var features = _app.Dapr.Read<FraudCase>(StateKeys.FraudCase(third.OrderId))!.Features;
        Assert.InRange(features.AccountAgeDays!.Value, 2 / 24.0 - 0.001, 2 / 24.0 + 0.001);
        Assert.Equal((2, 3, 1), (features.OrdersLastHour, features.DistinctCardsLastHour, features.DeclinesLastDay)); // the redelivered decline counted once
        Assert.Equal((240.0, 3, 6, true), (features.Total, features.Lines, features.Units, features.NewShippingCountry));
        Assert.Equal(3, _app.Dapr.Read<CustomerRisk>(StateKeys.Risk("mallory"))!.Orders.Count);

        // Outcomes: an admin's reject of the held order is fraud, a completion legitimate, a decline's cancellation nothing.
        var reject = Lifecycle(third).Cancelled("Rejected by an admin: three cards in twenty minutes");
        await DeliverAsync("order-events", Lifecycle(third).Held);
        await DeliverAsync("order-events", reject, "reject-1");
        await DeliverAsync("order-events", reject, "reject-1");
        await DeliverAsync("order-events", Lifecycle(first).Completed);
        await DeliverAsync("order-events", Lifecycle(second).Cancelled("Payment declined: card declined"));

        var log = _app.Dapr.Read<FraudPage>(StateKeys.FraudPage(0))!;
        Assert.Equal([true, false], log.Records.Select(r => r.Fraud));
        Assert.Equal(features, log.Records[0].Features);
    }

    [Fact]
    public async Task A_hold_that_times_out_or_a_customer_cancel_is_no_label()
    {
        var timedOut = Order("trent", DateTimeOffset.UtcNow, "4242", "GB");
        await DeliverAsync("order-events", timedOut);
        await DeliverAsync("order-events", Lifecycle(timedOut).Held);
        await DeliverAsync("order-events", Lifecycle(timedOut).Cancelled("Rejected: no approval decision within 1.00:00:00."));
        var notHeld = Order("trent", DateTimeOffset.UtcNow, "4242", "GB");
        await DeliverAsync("order-events", notHeld);
        await DeliverAsync("order-events", Lifecycle(notHeld).Cancelled("Rejected by an admin: but it was never held"));
        Assert.Null(_app.Dapr.Read<FraudPage>(StateKeys.FraudPage(0)));
    }

    [Fact]
    public async Task Retrain_stores_a_fraud_version_with_its_metrics_and_the_route_scores_with_it_and_its_reasons()
    {
        var request = new FraudScoreRequest(Guid.NewGuid(), "nobody", 120m, "EUR", 2, 3, "GB", "4242");
        var before = await _app.Sidecar().PostAsJsonAsync(AnalyticsRoutes.FraudScore, request, Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);

        var records = FraudSample.Generate(1500, seed: 21).Select(o => o.Record).ToList();
        var pages = records.Chunk(FraudPage.Size).ToList();
        for (var i = 0; i < pages.Count; i++)
            await _app.Dapr.WriteAsync(StateKeys.FraudPage(i), new FraudPage(pages[i]), Ct);
        Assert.Equal(HttpStatusCode.Accepted, (await Admin().PostAsync("/api/analytics/models/retrain", null, Ct)).StatusCode);
        var models = await AnalyticsFactory.EventuallyAsync(
            () => Admin().GetFromJsonAsync<JsonElement>("/api/analytics/models?kind=fraud", Ct), m => m.GetProperty("total").GetInt64() == 1, Ct, TimeSpan.FromSeconds(120));
        var item = models.GetProperty("items")[0];
        Assert.Equal("fraud", item.GetProperty("kind").GetString());
        var version = item.Deserialize<FraudModelSummary>(JsonSerializerOptions.Web)!;
        Assert.Equal((records.Count, records.Count(r => r.Fraud), true, null), (version.Orders, version.Frauds, version.Promoted, version.ComparedWith));
        Assert.True(version.Metrics.RocAuc > 0.8, $"{version}");
        Assert.Equal(new FraudTrainingSet(records).EvaluateRules(), version.Rules); // the rules' figures on the same held-out orders
        Assert.True(version.Metrics.RocAuc > version.Rules!.RocAuc, $"{version}");
        Assert.NotNull(_app.Dapr.Read<StoredFraudModel>(StateKeys.FraudModel(version.Version)));
        var all = await Admin().GetFromJsonAsync<JsonElement>("/api/analytics/models", Ct);
        Assert.Contains(all.GetProperty("items").EnumerateArray(), i => i.GetProperty("kind").GetString() == "fraud");
        Assert.Equal(HttpStatusCode.BadRequest, (await Admin().GetAsync("/api/analytics/models?kind=banana", Ct)).StatusCode);

        // A customer with three cards in the last hour and a decline, shipping somewhere new, against a plain one.
        var now = DateTimeOffset.UtcNow;
        await DeliverAsync("user-behavior", new UserRegistered("eve", "e@example.com", "E", now.AddMinutes(-50)));
        foreach (var card in (string[])["1111", "2222", "3333"])
        {
            var o = Order("eve", now.AddMinutes(-10), card, "GB");
            await DeliverAsync("order-events", o);
            await DeliverAsync("order-events", new PaymentDeclined(o.OrderId, "declined", now.AddMinutes(-9)));
        }
        var risky = await ScoreAsync(request with { CustomerId = "eve", CardLast4 = "4444", ShippingCountry = "NG" });
        var plain = await ScoreAsync(request);
        Assert.Equal(version.Version, risky.ModelVersion);
        Assert.True(risky.Score > plain.Score, $"{risky} vs {plain}");
        Assert.NotEmpty(risky.Reasons);
        Assert.Contains(risky.Reasons, r => r.Contains("distinct cards", StringComparison.Ordinal) || r.Contains("decline", StringComparison.Ordinal) || r.Contains("account is", StringComparison.Ordinal));
    }

    private async Task<FraudScoreResult> ScoreAsync(FraudScoreRequest request)
    {
        var response = await _app.Sidecar().PostAsJsonAsync(AnalyticsRoutes.FraudScore, request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<FraudScoreResult>(Ct))!;
    }

    [Fact]
    public async Task A_malformed_score_request_is_a_400_and_callers_without_the_app_token_are_refused()
    {
        var bad = await _app.Sidecar().PostAsJsonAsync(AnalyticsRoutes.FraudScore, new FraudScoreRequest(Guid.Empty, "", -1m, "EUR", 0, 0, "", "42"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>(Ct);
        foreach (var field in (string[])["orderId", "customerId", "total", "lines", "shippingCountry", "cardLast4"])
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), field);
        var customer = _app.ClientWith(_app.Tokens.Create("someone", [ShopNames.Roles.Customer]));
        customer.DefaultRequestHeaders.Remove(AnalyticsFactory.AppTokenHeader);
        var outsider = await customer.PostAsJsonAsync(AnalyticsRoutes.FraudScore, new FraudScoreRequest(Guid.NewGuid(), "c", 1m, "EUR", 1, 1, "GB", "4242"), Ct);
        Assert.True(outsider.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{outsider.StatusCode}");
    }

    [Fact]
    public async Task A_corrupt_or_missing_promoted_fraud_model_serves_nothing_so_ordering_keeps_its_rules()
    {
        var model = new FraudTrainingSet([.. FraudSample.Generate(800, seed: 8).Select(o => o.Record)]).Fit("good");
        var bytes = model.Save();
        var training = _app.Services.GetRequiredService<FraudTraining>();
        var request = new FraudScoreRequest(Guid.NewGuid(), "c", 50m, "EUR", 1, 1, "GB", "4242");
        async Task<HttpStatusCode> PromoteAsync(string version, byte[]? modelBytes)
        {
            if (modelBytes is not null)
                await _app.Dapr.WriteAsync(StateKeys.FraudModel(version), new StoredFraudModel(version, modelBytes, model.Baseline), Ct);
            await _app.Dapr.WriteAsync(StateKeys.FraudModels, new FraudModelIndex(version, []), Ct);
            await training.RefreshAsync(Ct);
            return (await _app.Sidecar().PostAsJsonAsync(AnalyticsRoutes.FraudScore, request, Ct)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await PromoteAsync("good", bytes));
        var corrupt = bytes.ToArray();
        Array.Fill(corrupt, (byte)0x5A, corrupt.Length / 3, corrupt.Length / 3);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await PromoteAsync("corrupt", corrupt));
        Assert.Equal(HttpStatusCode.OK, await PromoteAsync("good", bytes));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await PromoteAsync("missing", null));
    }
}
