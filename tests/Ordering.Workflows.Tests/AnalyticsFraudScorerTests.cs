using System.Diagnostics;
using Dapr.Client;
using Dapr.Workflow;
using Microsoft.Extensions.Logging;
using NSubstitute;
using ShopDapr.Contracts.Analytics;
using ShopDapr.Contracts.Ordering;
using ShopDapr.Ordering.Workflows.Activities;
using ShopDapr.Ordering.Workflows.Fraud;
using ShopDapr.ServiceDefaults;
using Microsoft.Extensions.Time.Testing;
using ShopDapr.Testing;

namespace ShopDapr.Ordering.Workflows.Tests;

/// <summary>
/// The saga's fraud step against analytics through a real dev sidecar (ordering's), analytics being a recording app
/// behind its own sidecar, or absent: the model's answer when it gives one, the rules whenever it does not.
/// </summary>
public sealed class AnalyticsFraudScorerTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    /// <summary>Generous: the first call through a fresh sidecar on a loaded machine can take seconds (the slow case has its own).</summary>
    private static readonly FraudModelOptions Options = new() { HighRiskAt = 0.5, Timeout = TimeSpan.FromSeconds(30) };
    private static readonly FraudModelOptions Impatient = new() { HighRiskAt = 0.5, Timeout = TimeSpan.FromSeconds(1) };
    private readonly RuleBasedFraudScorer _rules = new(new FraudRuleOptions());
    private readonly SagaContext _saga = new();
    private DevDapr _dapr = null!;
    private RecordingApp _analytics = null!;

    public async ValueTask InitializeAsync()
    {
        _dapr = await DevDapr.StartAsync(ShopNames.AppIds.Ordering, Ct);
        _analytics = await RecordingApp.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _dapr.DisposeAsync();
        await _analytics.DisposeAsync();
    }

    private Task AnalyticsUpAsync(HttpMessageHandler? app = null) => _dapr.StartPeerAsync(ShopNames.AppIds.Analytics, app ?? _analytics.CreateHandler(), Ct);

    private readonly Logged _log = new();

    private AnalyticsFraudScorer Scorer(FraudModelOptions? options = null, TimeProvider? time = null) => new(
        DaprClient.CreateInvokeHttpClient(ShopNames.AppIds.Analytics, _dapr.Sidecar.HttpEndpoint.ToString()), _rules, options ?? Options, _log, time);

    private void Answer(int status, string? json) => _analytics.Respond = (method, path) =>
        method == "POST" && path == AnalyticsRoutes.FraudScore ? (status, json) : (404, null);

    private static string Model(double score, string version = "v3") =>
        $$"""{"score":{{score.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"modelVersion":"{{version}}","reasons":["4 distinct cards in the last hour (+0.41)","account is 2 hours old (+0.20)"]}""";

    [Fact]
    public async Task The_models_answer_is_the_assessment_and_names_the_version()
    {
        await AnalyticsUpAsync();
        Answer(200, Model(0.83));

        var assessment = await Scorer().ScoreAsync(_saga.Order, Ct);

        Assert.True(assessment.ScoredBy == "model v3", string.Join("; ", _log.Messages));
        Assert.Equal((0.83, true), (assessment.Score, assessment.HighRisk));
        Assert.Equal(["4 distinct cards in the last hour (+0.41)", "account is 2 hours old (+0.20)"], assessment.Reasons);
        var call = Assert.Single(_analytics.Calls, c => c.PathAndQuery == AnalyticsRoutes.FraudScore);
        Assert.Equal(("POST", ShopNames.AppIds.Analytics), (call.Method, call.AppId));
        Answer(200, Model(0.2));
        Assert.False((await Scorer().ScoreAsync(_saga.Order, Ct)).HighRisk);
    }

    [Theory]
    [InlineData(503, """{"status":503,"title":"No fraud model is serving"}""")]
    [InlineData(500, null)]
    [InlineData(404, null)]
    [InlineData(200, "not json at all")]
    [InlineData(200, "[1,2,3]")]
    [InlineData(200, "{}")]
    [InlineData(200, """{"score":1.7,"modelVersion":"v3","reasons":[]}""")]
    [InlineData(200, """{"score":"high","modelVersion":"v3","reasons":[]}""")]
    [InlineData(200, """{"score":0.9,"modelVersion":"","reasons":[]}""")]
    [InlineData(200, """{"score":0.9,"modelVersion":"v3","reasons":null}""")]
    public async Task No_model_or_an_answer_that_is_not_a_score_falls_back_to_the_rules(int status, string? body)
    {
        await AnalyticsUpAsync();
        Answer(status, body);

        var assessment = await Scorer().ScoreAsync(_saga.Order, Ct);

        Assert.Equal(FraudAssessment.Rules, assessment.ScoredBy);
        var rules = _rules.Score(_saga.Order);
        Assert.Equal((rules.Score, rules.HighRisk), (assessment.Score, assessment.HighRisk));
        Assert.Equal(rules.Reasons, assessment.Reasons);
        Assert.Contains(_log.Messages, m => m.StartsWith($"Order {_saga.Order.OrderId} scored with the rules: analytics", StringComparison.Ordinal));
        Assert.Single(_analytics.Calls, c => c.PathAndQuery == AnalyticsRoutes.FraudScore); // analytics was asked
    }

    [Fact]
    public async Task After_analytics_had_no_model_the_rules_score_without_asking_it_until_the_pause_is_over()
    {
        await AnalyticsUpAsync();
        Answer(503, """{"title":"No fraud model is serving"}""");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var scorer = Scorer(time: clock);

        Assert.Equal(FraudAssessment.Rules, (await scorer.ScoreAsync(_saga.Order, Ct)).ScoredBy);
        Answer(200, Model(0.12));
        clock.Advance(Options.RetryAfter - TimeSpan.FromSeconds(1));
        Assert.Equal(FraudAssessment.Rules, (await scorer.ScoreAsync(_saga.Order, Ct)).ScoredBy);
        Assert.Single(_analytics.Calls, c => c.PathAndQuery == AnalyticsRoutes.FraudScore); // the second order did not ask
        Assert.Single(_log.Messages, m => m.Contains("analytics is asked again in 30 s", StringComparison.Ordinal));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("model v3", (await scorer.ScoreAsync(_saga.Order, Ct)).ScoredBy);
        Assert.Equal(2, _analytics.Calls.Count(c => c.PathAndQuery == AnalyticsRoutes.FraudScore));
    }

    [Fact]
    public async Task Analytics_down_falls_back_to_the_rules()
    {
        var assessment = await Scorer().ScoreAsync(_saga.Order with { ShippingAddress = _saga.Order.ShippingAddress with { Country = "XX" } }, Ct);

        Assert.Equal(FraudAssessment.Rules, assessment.ScoredBy);
        Assert.Contains(assessment.Reasons, r => r.Contains("outside the home markets", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Analytics_too_slow_falls_back_to_the_rules_within_the_timeout()
    {
        await AnalyticsUpAsync(new NeverAnswers());
        var clock = Stopwatch.StartNew();

        var assessment = await Scorer(Impatient).ScoreAsync(_saga.Order, Ct);

        Assert.Equal(FraudAssessment.Rules, assessment.ScoredBy);
        Assert.InRange(clock.Elapsed, Impatient.Timeout, Impatient.Timeout + TimeSpan.FromSeconds(10));
        Assert.Contains(_log.Messages, m => m.Contains("analytics did not answer within 1 s;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_analytics_down_the_saga_is_scored_by_the_rules_and_completes()
    {
        var activity = new ScoreFraudActivity(Scorer());
        var assessment = await activity.RunAsync(Substitute.For<WorkflowActivityContext>(), _saga.Order);
        _saga.Answers[nameof(ScoreFraudActivity)] = _ => assessment;

        var outcome = await _saga.RunAsync();

        Assert.Equal((OrderStatus.Completed, FraudAssessment.Rules), (outcome.Status, assessment.ScoredBy));
        Assert.DoesNotContain(_saga.Recorded, e => e.Kind == OrderEventKind.AwaitingApproval);
    }

    [Fact]
    public async Task A_high_model_score_holds_the_order_and_its_history_shows_the_model_and_its_reasons()
    {
        await AnalyticsUpAsync();
        Answer(200, Model(0.91, "20261207153000000"));
        var assessment = await new ScoreFraudActivity(Scorer()).RunAsync(Substitute.For<WorkflowActivityContext>(), _saga.Order);
        _saga.Answers[nameof(ScoreFraudActivity)] = _ => assessment;

        var run = _saga.RunAsync();
        _saga.Approval.SetResult(new ApprovalDecision(false, "stolen cards"));
        var outcome = await run;

        Assert.Equal(OrderStatus.Cancelled, outcome.Status);
        var held = Assert.Single(_saga.Recorded, e => e.Kind == OrderEventKind.AwaitingApproval);
        var recorded = (Contracts.Ordering.OrderAwaitingApproval)held.ToEvent(2, DateTimeOffset.UtcNow);
        Assert.Equal(("model 20261207153000000", 0.91), (recorded.ScoredBy, recorded.FraudScore));
        Assert.Contains("4 distinct cards in the last hour (+0.41)", recorded.Reasons);
    }

    /// <summary>What the scorer logged, formatted.</summary>
    private sealed class Logged : ILogger<AnalyticsFraudScorer>
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Messages { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Enqueue(formatter(state, exception));
    }

    /// <summary>An analytics app that takes the call and never answers (until the caller gives up).</summary>
    private sealed class NeverAnswers : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new OperationCanceledException(cancellationToken);
        }
    }
}
