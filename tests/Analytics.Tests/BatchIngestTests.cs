using System.Net.Http.Json;
using System.Text.Json;
using ShopDapr.Analytics.Domain;
using ShopDapr.Analytics.Domain.Fraud;
using ShopDapr.Analytics.Infrastructure;

namespace ShopDapr.Analytics.Tests;

/// <summary>
/// A delivered batch is one unit of work (<see cref="BatchIngest"/>): these deliver batches of several entries as daprd
/// does and check that each event is still applied once, a malformed one is dropped alone, the events of a batch add up
/// on the documents they share (the fraud features too), two batches on the same documents at once both apply, and a
/// unit that cannot be written asks for every entry again.
/// </summary>
public sealed class BatchIngestTests : IAsyncLifetime
{
    private const string Topic = "user-behavior";
    private const string Viewed = "ProductViewed";
    private static readonly double Purchase = new Signal(SignalKind.Purchase, null, Guid.Empty, null, DateTimeOffset.UnixEpoch).Weight;

    private AnalyticsFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await AnalyticsFactory.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Duplicates_inside_a_batch_and_across_two_deliveries_are_applied_once()
    {
        var product = Guid.NewGuid();
        var (first, second) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        var (a, b) = (Events.Viewed(product, "cid", category: "lamps"), Events.Viewed(product, "cid", category: "lamps"));

        var (_, once) = await _app.DeliverBatchAsync(Topic, Viewed, [(a, first), (a, first), (b, second)], Ct);
        Assert.Equal(["SUCCESS", "SUCCESS", "SUCCESS"], once!);
        // The whole batch again, then a part of it.
        var (_, again) = await _app.DeliverBatchAsync(Topic, Viewed, [(b, second), (a, first)], Ct);
        Assert.Equal(["SUCCESS", "SUCCESS"], again!);
        var (_, part) = await _app.DeliverBatchAsync(Topic, Viewed, [(a, first)], Ct);
        Assert.Equal(["SUCCESS"], part!);

        Assert.Equal(2.0, (await ScoresAsync("lamps"))[product]);
        Assert.Equal(2.0, (await ScoresAsync(null))[product]);
        Assert.Equal(2.0, _app.Dapr.Read<CustomerProfile>(StateKeys.Profile("cid"))!.CategoryAffinity["lamps"], 3);
        Assert.NotNull(_app.Dapr.Read<SeenEvent>(AnalyticsStore.MarkerKey(first)));
        Assert.NotNull(_app.Dapr.Read<SeenEvent>(AnalyticsStore.MarkerKey(second)));
    }

    [Fact]
    public async Task A_malformed_entry_is_dropped_alone_and_the_others_of_its_batch_are_applied()
    {
        var (one, two) = (Guid.NewGuid(), Guid.NewGuid());
        var malformed = JsonSerializer.Deserialize<JsonElement>("""{"productId":"00000000-0000-0000-0000-000000000000","occurredAt":"2026-12-07T10:00:00Z"}""");
        var unreadable = JsonSerializer.Deserialize<JsonElement>("""{"productId":"not a guid"}""");
        var (_, statuses) = await _app.DeliverBatchAsync(Topic, Viewed,
        [
            (Events.Viewed(one, "dee", category: "rugs"), Guid.NewGuid().ToString()),
            (malformed, Guid.NewGuid().ToString()),
            (Events.Viewed(two, "dee", category: "rugs"), Guid.NewGuid().ToString()),
            (unreadable, Guid.NewGuid().ToString()),
        ], Ct);

        Assert.Equal(["SUCCESS", "DROP", "SUCCESS", "DROP"], statuses!);
        var scores = await ScoresAsync("rugs");
        Assert.Equal(new[] { one, two }.Order(), scores.Keys.Order());
        Assert.Equal([two, one], _app.Dapr.Read<CustomerProfile>(StateKeys.Profile("dee"))!.RecentViews.Select(v => v.ProductId));
    }

    [Fact]
    public async Task Many_events_of_one_batch_on_the_same_trending_bucket_add_up()
    {
        var hot = Guid.NewGuid();
        var others = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToList();
        var views = Enumerable.Range(0, 30).Select(i => ((object?)Events.Viewed(hot, $"shopper-{i % 7}", category: "Kites"), Guid.NewGuid().ToString()))
            .Concat(others.Select(p => ((object?)Events.Viewed(p, null, category: "kites"), Guid.NewGuid().ToString())))
            .ToList();

        var (_, statuses) = await _app.DeliverBatchAsync(Topic, Viewed, views, Ct);

        Assert.All(statuses!, s => Assert.Equal("SUCCESS", s));
        foreach (var category in new[] { "kites", null })
        {
            var scores = await ScoresAsync(category);
            Assert.Equal(11, scores.Count);
            Assert.Equal(30.0, scores[hot]);
            Assert.All(others, p => Assert.Equal(1.0, scores[p]));
        }
        // Seven shoppers' profiles, each with the views it had in the batch.
        Assert.Equal(30, Enumerable.Range(0, 7).Sum(i => _app.Dapr.Read<CustomerProfile>(StateKeys.Profile($"shopper-{i}"))!.CategoryAffinity["kites"]), 3);
    }

    [Fact]
    public async Task Two_batches_delivered_at_once_on_the_same_documents_both_apply()
    {
        var product = Guid.NewGuid();
        // Hold the first write of each batch until both have read: they then race to commit the same buckets and profile,
        // and the one that loses must read again and apply on top of the other.
        var arrived = 0;
        var bothRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _app.Wire.BeforeWrite = async (_, _) =>
        {
            if (Interlocked.Increment(ref arrived) > 2)
                return;
            if (arrived >= 2)
                bothRead.TrySetResult();
            await bothRead.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        };
        IReadOnlyList<(object? Data, string EventId)> Batch() =>
            [.. Enumerable.Range(0, 5).Select(_ => ((object?)Events.Viewed(product, "eve", category: "clocks"), Guid.NewGuid().ToString()))];

        var deliveries = await Task.WhenAll(Task.Run(() => _app.DeliverBatchAsync(Topic, Viewed, Batch(), Ct), Ct), Task.Run(() => _app.DeliverBatchAsync(Topic, Viewed, Batch(), Ct), Ct));

        Assert.All(deliveries.SelectMany(d => d.Statuses!), s => Assert.Equal("SUCCESS", s));
        Assert.True(Volatile.Read(ref arrived) >= 3, "the batch that lost the race wrote again");
        Assert.Equal(10.0, (await ScoresAsync("clocks"))[product]);
        Assert.Equal(10.0, (await ScoresAsync(null))[product]);
        Assert.Equal(10.0, _app.Dapr.Read<CustomerProfile>(StateKeys.Profile("eve"))!.CategoryAffinity["clocks"], 3);
    }

    [Fact]
    public async Task Orders_of_one_customer_in_one_batch_each_count_once_in_the_behaviour_and_the_fraud_features()
    {
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        var (first, second) = (Events.Submitted("fay", a, b), Events.Submitted("fay", a));
        var (firstId, secondId) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());

        var (_, statuses) = await _app.DeliverBatchAsync("order-events", "OrderSubmitted", [(first, firstId), (second, secondId), (first, firstId)], Ct);
        var (_, again) = await _app.DeliverBatchAsync("order-events", "OrderSubmitted", [(second, secondId)], Ct);

        Assert.Equal(["SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS"], statuses!.Concat(again!));
        Assert.Equal(2.0, (await ScoresAsync(null))[a] / Purchase);
        Assert.Equal(1.0, (await ScoresAsync(null))[b] / Purchase);
        Assert.Equal(1.0, _app.Dapr.Read<CoOccurrence>(StateKeys.CoOccurrence(a))!.With[b]);
        var risk = _app.Dapr.Read<CustomerRisk>(StateKeys.Risk("fay"))!;
        Assert.Equal(new[] { first.OrderId, second.OrderId }.Order(), risk.Orders.Select(o => o.OrderId).Order());
        // Each order scored from the customer's risk as the orders before it in the batch left it.
        Assert.Equal(0, _app.Dapr.Read<FraudCase>(StateKeys.FraudCase(first.OrderId))!.Features.OrdersLastHour);
        Assert.Equal(1, _app.Dapr.Read<FraudCase>(StateKeys.FraudCase(second.OrderId))!.Features.OrdersLastHour);
    }

    [Fact]
    public async Task A_batch_whose_unit_cannot_be_written_answers_retry_for_every_entry_and_stores_nothing()
    {
        var product = Guid.NewGuid();
        var batch = Enumerable.Range(0, 3).Select(_ => ((object?)Events.Viewed(product, "gus", category: "vases"), Guid.NewGuid().ToString())).ToList();
        var before = _app.Dapr.Snapshot();
        _app.Wire.BeforeWrite = (_, _) => throw new HttpRequestException("injected: the state store is down");

        var (_, failed) = await _app.DeliverBatchAsync(Topic, Viewed, [.. batch, (JsonSerializer.Deserialize<JsonElement>("""{"productId":"nope"}"""), Guid.NewGuid().ToString())], Ct);

        Assert.Equal(["RETRY", "RETRY", "RETRY", "DROP"], failed!);
        Assert.Equal(before.Keys.Order(), _app.Dapr.Snapshot().Keys.Order());
        _app.Wire.BeforeWrite = null;
        var (_, redelivered) = await _app.DeliverBatchAsync(Topic, Viewed, batch, Ct);
        Assert.Equal(["SUCCESS", "SUCCESS", "SUCCESS"], redelivered!);
        Assert.Equal(3.0, (await ScoresAsync("vases"))[product]);
    }

    /// <summary>The day's trending scores of <paramref name="category"/> (null: the whole shop), by product.</summary>
    private async Task<Dictionary<Guid, double>> ScoresAsync(string? category)
    {
        var trending = await _app.Sidecar().GetFromJsonAsync<JsonElement>($"/api/trending?window=day&pageSize=100{(category is null ? "" : $"&category={category}")}", Ct);
        return trending.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("productId").GetGuid(), i => i.GetProperty("score").GetDouble());
    }
}
