using Dapr.AspNetCore;
using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Analytics.Domain.Fraud;
using ShopDapr.Analytics.Domain.Learning;
using ShopDapr.Contracts.Common;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Analytics.Api;

/// <summary>
/// The models' versions: <c>GET /api/analytics/models?kind=</c> (admin) lists them with their metrics, newest first, each
/// with its <c>kind</c>: <c>ranker</c> (recommendations; hit-rate@10, NDCG@10) or <c>fraud</c> (ROC-AUC, PR-AUC); both
/// kinds when none is asked for. <c>POST /api/analytics/models/retrain</c> (admin) and the <c>retrain-schedule</c> cron
/// binding (<c>POST /retrain-schedule</c>, from the sidecar) start both trainings in the background: 202, and serving
/// goes on meanwhile.
/// </summary>
public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/analytics/models").WithTags("Analytics").RequireAuthorization(ShopNames.Policies.Admin);
        api.MapGet("/", ListModels);
        api.MapPost("/retrain", Retrain);
        routes.MapPost($"/{ShopNames.Components.RetrainSchedule}", (ModelTraining training, FraudTraining fraud) => { Trigger(training, fraud); return TypedResults.Ok(); })
            .WithTags("Bindings").RequireAuthorization(ShopNames.Policies.DaprSidecar).ExcludeFromDescription();
        return routes;
    }

    /// <summary>Versions of both kinds, newest first (items are <see cref="ModelSummary"/> or <see cref="FraudModelSummary"/>).</summary>
    public static async Task<Results<Ok<PagedList<object>>, ValidationProblem>> ListModels(
        ModelTraining training, FraudTraining fraud, CancellationToken cancellationToken, int page = 1, int pageSize = 20, string? kind = null)
    {
        var errors = Paging.Check(page, pageSize);
        if (kind is not (null or ModelSummary.KindName or FraudModelSummary.KindName))
            errors["kind"] = [$"kind is '{ModelSummary.KindName}' or '{FraudModelSummary.KindName}'."];
        if (errors.Count > 0)
            return Paging.Problem(errors);
        var versions = new List<(DateTimeOffset At, object Summary)>();
        if (kind is null or ModelSummary.KindName)
            versions.AddRange((await training.IndexAsync(cancellationToken)).Versions.Select(v => (v.TrainedAt, (object)v)));
        if (kind is null or FraudModelSummary.KindName)
            versions.AddRange((await fraud.IndexAsync(cancellationToken)).Versions.Select(v => (v.TrainedAt, (object)v)));
        return TypedResults.Ok(Paging.Page([.. versions.OrderByDescending(v => v.At).Select(v => v.Summary)], page, pageSize));
    }

    public static Accepted Retrain(ModelTraining training, FraudTraining fraud)
    {
        Trigger(training, fraud);
        return TypedResults.Accepted("/api/analytics/models");
    }

    private static void Trigger(ModelTraining training, FraudTraining fraud)
    {
        training.Trigger();
        fraud.Trigger();
    }
}
