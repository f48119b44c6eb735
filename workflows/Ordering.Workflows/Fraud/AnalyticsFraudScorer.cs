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
}

/// <summary>
/// Scores with the fraud model analytics serves (<see cref="AnalyticsRoutes.FraudScore"/>, through the sidecar), and with
/// <see cref="RuleBasedFraudScorer"/> whenever that does not give a usable answer: analytics down or unreachable, slower
/// than <see cref="FraudModelOptions.Timeout"/>, no model promoted (503), or an answer that is not a score in [0, 1] with a
/// version. Each fallback is logged; none fails the saga. The assessment names its scorer (<c>model {version}</c> or
/// <c>rules</c>), and that goes into the order's history with the reasons.
/// </summary>
public sealed partial class AnalyticsFraudScorer(HttpClient analytics, RuleBasedFraudScorer rules, FraudModelOptions options, ILogger<AnalyticsFraudScorer> logger) : IFraudScorer
{
    public async Task<FraudAssessment> ScoreAsync(OrderSnapshot order, CancellationToken cancellationToken)
    {
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
        LogFallback(logger, order.OrderId, why);
        return rules.Score(order);
    }

    private static bool Usable(FraudScoreResult result) =>
        double.IsFinite(result.Score) && result.Score is >= 0 and <= 1 && !string.IsNullOrWhiteSpace(result.ModelVersion)
        && result.Reasons is { } reasons && reasons.All(r => !string.IsNullOrWhiteSpace(r));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId} scored with the rules: {Why}")]
    private static partial void LogFallback(ILogger logger, Guid orderId, string why);
}
