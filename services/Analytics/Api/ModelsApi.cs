using Dapr.AspNetCore;
using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Analytics.Domain.Learning;
using ShopDapr.Contracts.Common;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Analytics.Api;

/// <summary>
/// The ranker's versions: <c>GET /api/analytics/models</c> (admin) lists them with their metrics, newest first;
/// <c>POST /api/analytics/models/retrain</c> (admin) and the <c>retrain-schedule</c> cron binding (<c>POST
/// /retrain-schedule</c>, from the sidecar) start a training in the background: 202, and serving goes on meanwhile.
/// </summary>
public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/analytics/models").WithTags("Analytics").RequireAuthorization(ShopNames.Policies.Admin);
        api.MapGet("/", ListModels);
        api.MapPost("/retrain", Retrain);
        routes.MapPost($"/{ShopNames.Components.RetrainSchedule}", (ModelTraining training) => { training.Trigger(); return TypedResults.Ok(); })
            .WithTags("Bindings").RequireAuthorization(ShopNames.Policies.DaprSidecar).ExcludeFromDescription();
        return routes;
    }

    public static async Task<Results<Ok<PagedList<ModelSummary>>, ValidationProblem>> ListModels(
        ModelTraining training, CancellationToken cancellationToken, int page = 1, int pageSize = 20)
    {
        if (Paging.Check(page, pageSize) is { Count: > 0 } errors)
            return Paging.Problem(errors);
        return TypedResults.Ok(Paging.Page((await training.IndexAsync(cancellationToken)).Versions, page, pageSize));
    }

    public static Accepted Retrain(ModelTraining training)
    {
        training.Trigger();
        return TypedResults.Accepted("/api/analytics/models");
    }
}
