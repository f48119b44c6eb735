using Dapr.Client;
using ShopDapr.Analytics.Domain;
using ShopDapr.Analytics.Domain.Learning;
using ShopDapr.Analytics.Infrastructure;

namespace ShopDapr.Analytics;

/// <summary>
/// Trains, versions and promotes the ranker. A retrain (the <c>retrain-schedule</c> cron binding, or an admin) starts one
/// training in the background and returns at once: serving never waits for it, and a second trigger while one runs is
/// a no-op. A trained version is stored with its window and metrics and promoted only when it is at least as good, on
/// the same held-out orders, as the ranker serving now. <see cref="RefreshAsync"/> makes every replica serve the
/// promoted version, and falls back to the heuristic (logged) when that version is missing or corrupt.
/// </summary>
public sealed partial class ModelTraining(AnalyticsStore store, DaprClient dapr, RankerProvider rankers, TimeProvider time, ILogger<ModelTraining> logger)
{
    private readonly BackgroundTraining _background = new();
    private string? _loaded;

    /// <summary>The training started last (completed when none runs).</summary>
    public Task Running => _background.Running;

    /// <summary>Starts a training in the background unless one is running; true when this call started it.</summary>
    public bool Trigger() => _background.Trigger(() => TrainAsync(CancellationToken.None));

    public async Task<ModelIndex> IndexAsync(CancellationToken cancellationToken) =>
        await store.GetAsync<ModelIndex>(StateKeys.Models, cancellationToken) ?? ModelIndex.Empty;

    private async Task TrainAsync(CancellationToken cancellationToken)
    {
        try
        {
            var pages = await store.GetManyAsync<TrainingPage>([.. Enumerable.Range(0, TrainingPage.Pages).Select(StateKeys.TrainingPage)], cancellationToken);
            var records = pages.Values.SelectMany(p => p.Records).ToList();
            var set = new TrainingSet(records);
            var version = BackgroundTraining.NewVersion(time);
            var (ranker, bytes) = LearnedRanker.Train(version, set);
            var metrics = set.Evaluate(ranker);
            var incumbent = rankers.Current;
            var incumbentMetrics = set.Evaluate(incumbent);
            var promoted = metrics.AtLeastAsGoodAs(incumbentMetrics);
            var summary = new ModelSummary(version, time.GetUtcNow(), records.Min(r => r.At), records.Max(r => r.At), records.Count,
                metrics, incumbent.Name, incumbentMetrics, set.EvaluatePopularity(), promoted);

            await store.SaveAsync(StateKeys.Model(version), new StoredModel(version, bytes), cancellationToken);
            var before = await IndexAsync(cancellationToken);
            var after = before.Add(summary);
            await store.SaveAsync(StateKeys.Models, after, cancellationToken);
            foreach (var dropped in after.Dropped(before))
                await dapr.DeleteStateAsync(ShopDapr.ServiceDefaults.ShopNames.Components.StateStore, StateKeys.Model(dropped), cancellationToken: cancellationToken);
            if (promoted)
            {
                rankers.Use(ranker);
                _loaded = version;
            }
            LogTrained(logger, version, records.Count, metrics.HitRateAt10, metrics.NdcgAt10, incumbent.Name, incumbentMetrics.HitRateAt10, promoted);
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

    /// <summary>Serves the promoted version if it is not served yet; the heuristic when it cannot be loaded.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var index = await IndexAsync(cancellationToken);
        if (index.Current is not { } current || current == _loaded)
            return;
        _loaded = current;
        try
        {
            var stored = await store.GetAsync<StoredModel>(StateKeys.Model(current), cancellationToken)
                ?? throw new CorruptModelException($"Model {current} is missing from the state store.", new KeyNotFoundException(current));
            rankers.Use(LearnedRanker.Load(current, stored.Bytes));
        }
        catch (Exception e) when (e is CorruptModelException or System.Text.Json.JsonException)
        {
            rankers.Use(HeuristicRanker.Instance);
            LogUnloadable(logger, current, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Trained ranker {Version} on {Orders} orders: hit-rate@10 {HitRate:F3}, NDCG@10 {Ndcg:F3}; {Incumbent} had {IncumbentHitRate:F3}; promoted: {Promoted}")]
    private static partial void LogTrained(ILogger logger, string version, int orders, double hitRate, double ndcg, string incumbent, double incumbentHitRate, bool promoted);

    [LoggerMessage(Level = LogLevel.Information, Message = "No ranker trained: {Reason}")]
    private static partial void LogTooLittle(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Training the ranker failed; the serving ranker is unchanged")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Model {Version} cannot be served; recommendations fall back to the heuristic ranker")]
    private static partial void LogUnloadable(ILogger logger, string version, Exception exception);
}

/// <summary>Keeps each replica on the promoted models (ranker and fraud): checks the index at start and then every <see cref="Every"/>.</summary>
public sealed partial class ModelRefresher(ModelTraining training, FraudTraining fraud, DaprClient dapr, ILogger<ModelRefresher> logger) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await dapr.WaitForSidecarAsync(stoppingToken);
        using var timer = new PeriodicTimer(Every);
        do
        {
            try
            {
                await training.RefreshAsync(stoppingToken);
                await fraud.RefreshAsync(stoppingToken);
            }
            catch (Dapr.DaprException e)
            {
                LogUnreachable(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the model index; serving as before")]
    private static partial void LogUnreachable(ILogger logger, Exception exception);
}
