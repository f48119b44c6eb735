using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ShopDapr.Analytics.Api;
using ShopDapr.Analytics.Domain.Learning;
using ShopDapr.Analytics.Infrastructure;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Analytics.Tests;

public sealed class ModelTests : IAsyncLifetime
{
    private AnalyticsFactory _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await AnalyticsFactory.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Admin() => _app.ClientWith(_app.Tokens.Create("root", [ShopNames.Roles.Admin]));

    private async Task<string> ServingRankerAsync()
    {
        var response = await _app.ClientWith(_app.Tokens.Create("someone", [ShopNames.Roles.Customer])).GetAsync("/api/recommendations/me", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single(response.Headers.GetValues(RecommendationsApi.RankerHeader));
    }

    [Fact]
    public async Task An_order_goes_into_the_training_log_with_what_the_customer_viewed_before_it()
    {
        var (viewed, a, b) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        Assert.Equal("SUCCESS", (await _app.DeliverAsync("user-behavior", "ProductViewed", Events.Viewed(viewed, "gina", category: "garden"), cancellationToken: Ct)).Status);
        var order = Events.Submitted("gina", a, b);
        Assert.Equal("SUCCESS", (await _app.DeliverAsync("order-events", "OrderSubmitted", order, cancellationToken: Ct)).Status);
        Assert.Equal("SUCCESS", (await _app.DeliverAsync("order-events", "OrderSubmitted", order, "same-id", Ct)).Status);
        Assert.Equal("SUCCESS", (await _app.DeliverAsync("order-events", "OrderSubmitted", order, "same-id", Ct)).Status);

        var page = _app.Dapr.Read<TrainingPage>(StateKeys.TrainingPage(0))!;
        Assert.Equal(2, page.Records.Count); // two event ids; the redelivery of the second added nothing
        var record = page.Records[0];
        Assert.Equal([viewed], record.Seeds);
        Assert.Equal([a, b], record.Basket);
        Assert.Equal("garden", record.Categories[viewed]);
    }

    [Fact]
    public async Task A_retrain_stores_a_version_with_its_window_and_metrics_and_serves_it_when_it_is_at_least_as_good()
    {
        var records = RankerTrainingTests.Sample(1500, seed: 42);
        var pages = records.Chunk(TrainingPage.Size).ToList();
        for (var i = 0; i < pages.Count; i++)
            await _app.Dapr.WriteAsync(StateKeys.TrainingPage(i), new TrainingPage(pages[i]), Ct);
        Assert.Equal("heuristic", await ServingRankerAsync());

        var customer = _app.ClientWith(_app.Tokens.Create("someone", [ShopNames.Roles.Customer]));
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.GetAsync("/api/analytics/models", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Admin().PostAsync("/api/analytics/models/retrain", null, Ct)).StatusCode);
        var models = await AnalyticsFactory.EventuallyAsync(
            () => Admin().GetFromJsonAsync<JsonElement>("/api/analytics/models", Ct), m => m.GetProperty("total").GetInt64() == 1, Ct, TimeSpan.FromSeconds(120));

        var version = models.GetProperty("items")[0].Deserialize<ModelSummary>(JsonSerializerOptions.Web)!;
        Assert.Equal((records.Min(r => r.At), records.Max(r => r.At), records.Count), (version.WindowFrom, version.WindowTo, version.Orders));
        Assert.Equal("heuristic", version.ComparedWith);
        Assert.True(version.Metrics.HitRateAt10 > version.Popularity.HitRateAt10, $"{version}");
        Assert.Equal(version.Metrics.AtLeastAsGoodAs(version.Incumbent), version.Promoted);
        Assert.True(version.Promoted, $"{version}");
        Assert.NotNull(_app.Dapr.Read<StoredModel>(StateKeys.Model(version.Version)));
        Assert.Equal(version.Version, await ServingRankerAsync());
    }

    [Fact]
    public async Task A_corrupt_or_missing_promoted_model_falls_back_to_the_heuristic_and_recommendations_still_answer()
    {
        var (_, bytes) = LearnedRanker.Train("good", new TrainingSet(RankerTrainingTests.Sample(600, seed: 5)));
        var training = _app.Services.GetRequiredService<ModelTraining>();
        async Task PromoteAsync(string version, byte[]? modelBytes)
        {
            if (modelBytes is not null)
                await _app.Dapr.WriteAsync(StateKeys.Model(version), new StoredModel(version, modelBytes), Ct);
            await _app.Dapr.WriteAsync(StateKeys.Models, new ModelIndex(version, []), Ct);
            await training.RefreshAsync(Ct);
        }

        await PromoteAsync("good", bytes);
        Assert.Equal("good", await ServingRankerAsync());

        var corrupt = bytes.ToArray();
        Array.Fill(corrupt, (byte)0x5A, corrupt.Length / 3, corrupt.Length / 3);
        await PromoteAsync("corrupt", corrupt);
        Assert.Equal("heuristic", await ServingRankerAsync());

        await PromoteAsync("good", bytes);
        Assert.Equal("good", await ServingRankerAsync());
        await PromoteAsync("missing", null);
        Assert.Equal("heuristic", await ServingRankerAsync());
    }
}
