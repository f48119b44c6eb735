using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ShopDapr.Contracts.Analytics;

namespace ShopDapr.Ordering.Workflows.Fraud;

/// <summary>How ordering uses analytics' fraud model (section <c>Ordering:FraudModel</c>).</summary>
public sealed class FraudModelOptions
{
    public const string Section = "Ordering:FraudModel";

    /// <summary>The model's score (a probability) from which an order is held for an admin.</summary>
    [Range(0.0, 1.0)]
    public double HighRiskAt { get; set; } = 0.5;

    /// <summary>How long the saga waits for analytics before it scores with the rules.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// After analytics gave no usable answer, how long the saga scores with the rules without asking it again (zero: ask
    /// every time). Spares each checkout a call that will fail, or a wait of <see cref="Timeout"/>, while analytics has
    /// no model or is down.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Scores with the fraud model analytics serves (<see cref="AnalyticsRoutes.FraudScore"/>, through the sidecar), and with
/// <see cref="RuleBasedFraudScorer"/> whenever that does not give a usable answer: analytics down or unreachable, slower
/// than <see cref="FraudModelOptions.Timeout"/>, no model promoted (503), or an answer that is not a score in [0, 1] with a
/// version. None fails the saga. After such an answer analytics is not asked again for <see cref="FraudModelOptions.RetryAfter"/>
/// (the rules score meanwhile): the fallback that starts that pause is a warning, the orders scored during it are debug
/// lines. The assessment names its scorer (<c>model {version}</c> or <c>rules</c>), and that goes into the order's
/// history with the reasons.
/// </summary>
public sealed partial class AnalyticsFraudScorer(HttpClient analytics, RuleBasedFraudScorer rules, FraudModelOptions options, ILogger<AnalyticsFraudScorer> logger,
    TimeProvider? time = null) : IFraudScorer
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long _askAgainAtTicks;

    public async Task<FraudAssessment> ScoreAsync(OrderSnapshot order, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (now.UtcTicks < Interlocked.Read(ref _askAgainAtTicks))
        {
            LogPaused(logger, order.OrderId, new DateTimeOffset(Interlocked.Read(ref _askAgainAtTicks), TimeSpan.Zero));
            return rules.Score(order);
        }
        var request = new FraudScoreRequest(order.OrderId, order.CustomerId, order.Total, order.Currency, order.Lines.Count, order.Units,
            order.ShippingAddress.Country, order.Card.Last4);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        string why;
        try
        {
            using var response = await analytics.PostAsJsonAsync(AnalyticsRoutes.FraudScore, request, timeout.Token);
            if (!response.IsSuccessStatusCode)
                why = $"analytics answered {(int)response.StatusCode}";
            else if (await response.Content.ReadFromJsonAsync<FraudScoreResult>(timeout.Token) is { } result && Usable(result))
                return new FraudAssessment(result.Score, result.Score >= options.HighRiskAt, result.Reasons, $"model {result.ModelVersion}");
            else
                why = "analytics answered something that is not a score";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            why = $"analytics did not answer within {options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
        }
        catch (HttpRequestException e)
        {
            why = $"analytics could not be reached: {e.Message}";
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            why = "analytics answered something that is not a score";
        }
        Interlocked.Exchange(ref _askAgainAtTicks, (_time.GetUtcNow() + options.RetryAfter).UtcTicks);
        LogFallback(logger, order.OrderId, why, options.RetryAfter.TotalSeconds);
        return rules.Score(order);
    }

    private static bool Usable(FraudScoreResult result) =>
        double.IsFinite(result.Score) && result.Score is >= 0 and <= 1 && !string.IsNullOrWhiteSpace(result.ModelVersion)
        && result.Reasons is { } reasons && reasons.All(r => !string.IsNullOrWhiteSpace(r));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId} scored with the rules: {Why}; analytics is asked again in {Seconds} s")]
    private static partial void LogFallback(ILogger logger, Guid orderId, string why, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Order {OrderId} scored with the rules: analytics is not asked until {AskAgainAt:O}")]
    private static partial void LogPaused(ILogger logger, Guid orderId, DateTimeOffset askAgainAt);
}
