using Dapr.Client;
using ShopDapr.Analytics.Domain.Fraud;
using ShopDapr.Analytics.Domain.Learning;
using ShopDapr.Analytics.Infrastructure;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Analytics;

/// <summary>
/// Trains, versions and promotes the fraud model, on the same triggers as the ranker (the <c>retrain-schedule</c> cron
/// binding, an admin's retrain) and the same way: in the background, one at a time; a version is stored with its window
/// and held-out ROC-AUC / PR-AUC (beside the saga's rules' on the same orders), and promoted only when it is at least as good on both as the model serving now, on the
/// same held-out orders (the first version has nothing to beat). <see cref="RefreshAsync"/> makes every replica serve
/// the promoted version; a missing or corrupt one serves nothing (logged), and ordering keeps to its rules.
/// </summary>
public sealed partial class FraudTraining(AnalyticsStore store, DaprClient dapr, TimeProvider time, ILogger<FraudTraining> logger)
{
    private readonly BackgroundTraining _background = new();
    private string? _loaded;
    private volatile FraudModel? _current;

    /// <summary>The model serving now; null when none is promoted or it cannot be loaded.</summary>
    public FraudModel? Current => _current;

    /// <summary>The training started last (completed when none runs).</summary>
    public Task Running => _background.Running;

    /// <summary>Starts a training in the background unless one is running; true when this call started it.</summary>
    public bool Trigger() => _background.Trigger(() => TrainAsync(CancellationToken.None));

    public async Task<FraudModelIndex> IndexAsync(CancellationToken cancellationToken) =>
        await store.GetAsync<FraudModelIndex>(StateKeys.FraudModels, cancellationToken) ?? FraudModelIndex.Empty;

    private async Task TrainAsync(CancellationToken cancellationToken)
    {
        try
        {
            var pages = await store.GetManyAsync<FraudPage>([.. Enumerable.Range(0, FraudPage.Pages).Select(StateKeys.FraudPage)], cancellationToken);
            var records = pages.Values.SelectMany(p => p.Records).ToList();
            var set = new FraudTrainingSet(records);
            var version = BackgroundTraining.NewVersion(time);
            var model = set.Fit(version);
            var metrics = set.Evaluate(model);
            var incumbent = _current;
            var incumbentMetrics = incumbent is null ? null : set.Evaluate(incumbent);
            var promoted = incumbentMetrics is null || metrics.AtLeastAsGoodAs(incumbentMetrics);
            var summary = new FraudModelSummary(version, time.GetUtcNow(), records.Min(r => r.At), records.Max(r => r.At), records.Count,
                records.Count(r => r.Fraud), metrics, incumbent?.Version, incumbentMetrics, promoted, set.EvaluateRules());

            await store.SaveAsync(StateKeys.FraudModel(version), new StoredFraudModel(version, model.Save(), model.Baseline), cancellationToken);
            var before = await IndexAsync(cancellationToken);
            var after = before.Add(summary);
            await store.SaveAsync(StateKeys.FraudModels, after, cancellationToken);
            foreach (var dropped in after.Dropped(before))
                await dapr.DeleteStateAsync(ShopNames.Components.StateStore, StateKeys.FraudModel(dropped), cancellationToken: cancellationToken);
            if (promoted)
            {
                _current = model;
                _loaded = version;
            }
            LogTrained(logger, version, records.Count, metrics.RocAuc, metrics.PrAuc, incumbent?.Version ?? "none", incumbentMetrics?.RocAuc ?? double.NaN, promoted);
        }
        catch (InsufficientTrainingDataException e)
        {
            LogTooLittle(logger, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e);
        }
    }

    /// <summary>Serves the promoted version if it is not served yet; nothing when it cannot be loaded.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var index = await IndexAsync(cancellationToken);
        if (index.Current is not { } current || current == _loaded)
            return;
        _loaded = current;
        try
        {
            var stored = await store.GetAsync<StoredFraudModel>(StateKeys.FraudModel(current), cancellationToken)
                ?? throw new CorruptModelException($"Fraud model {current} is missing from the state store.", new KeyNotFoundException(current));
            _current = FraudModel.Load(current, stored.Bytes ?? [], stored.Baseline ?? []);
        }
        catch (Exception e) when (e is CorruptModelException or System.Text.Json.JsonException)
        {
            _current = null;
            LogUnloadable(logger, current, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Trained fraud model {Version} on {Orders} labelled orders: ROC-AUC {RocAuc:F3}, PR-AUC {PrAuc:F3}; {Incumbent} had ROC-AUC {IncumbentRocAuc:F3}; promoted: {Promoted}")]
    private static partial void LogTrained(ILogger logger, string version, int orders, double rocAuc, double prAuc, string incumbent, double incumbentRocAuc, bool promoted);

    [LoggerMessage(Level = LogLevel.Information, Message = "No fraud model trained: {Reason}")]
    private static partial void LogTooLittle(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Training the fraud model failed; the serving model is unchanged")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Fraud model {Version} cannot be served; ordering falls back to its rules")]
    private static partial void LogUnloadable(ILogger logger, string version, Exception exception);
}
