using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ShopDapr.Contracts.Common;
using ShopDapr.Contracts.Keys;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Keys.Api;

/// <summary>
/// <c>/api/keys</c> (admin, through the gateway): create, list, rotate, configure, disable, enable, schedule and cancel
/// deletion; the audit log and its verification; and every key operation (<see cref="KeyOperationsApi"/>).
/// </summary>
public static class KeysAdminApi
{
    public const int DefaultPendingWindowDays = 30;

    public static IEndpointRouteBuilder MapKeysAdminApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup(KeysRoutes.Admin).WithTags("Keys").RequireAuthorization(ShopNames.Policies.Admin);
        api.MapPost("/", Create);
        api.MapGet("/", List);
        api.MapGet("/audit", Audit);
        api.MapGet("/audit/verify", VerifyAudit);
        api.MapGet("/{name}", Get);
        api.MapPost("/{name}/rotate", Rotate);
        api.MapPut("/{name}/config", Configure);
        api.MapPost("/{name}/disable", Disable);
        api.MapPost("/{name}/enable", Enable);
        api.MapDelete("/{name}", ScheduleDeletion);
        api.MapPost("/{name}/cancel-deletion", CancelDeletion);
        api.MapKeyOperations(operation => $"/{{name}}/{operation}");
        return routes;
    }

    public static async Task<Created<KeyView>> Create(CreateKeyRequest request, KeyService keys, HttpContext http, CancellationToken cancellationToken)
    {
        var key = await keys.CreateAsync(KeyViews.CallerOf(http), request.Name, request.Type, request.RotationPeriod, cancellationToken);
        return TypedResults.Created($"{KeysRoutes.Admin}/{key.Name}", KeyViews.View(key));
    }

    public static async Task<Ok<PagedList<KeyView>>> List(KeyService keys, CancellationToken cancellationToken)
    {
        var all = await keys.ListAsync(cancellationToken);
        return TypedResults.Ok(new PagedList<KeyView>([.. all.Select(KeyViews.View)], all.Count, 1, all.Count));
    }

    public static async Task<Ok<KeyView>> Get(string name, KeyService keys, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(KeyViews.View(await keys.GetAsync(KeyViews.CallerOf(http), name, cancellationToken)));

    public static async Task<Ok<KeyView>> Rotate(string name, KeyService keys, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(KeyViews.View(await keys.RotateAsync(KeyViews.CallerOf(http), name, cancellationToken)));

    public static async Task<Ok<KeyView>> Configure(string name, KeyConfigRequest request, KeyService keys, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(KeyViews.View(await keys.ConfigureAsync(KeyViews.CallerOf(http), name, request.MinDecryptionVersion, request.RotationPeriod, cancellationToken)));

    public static async Task<Ok<KeyView>> Disable(string name, KeyService keys, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(KeyViews.View(await keys.DisableAsync(KeyViews.CallerOf(http), name, cancellationToken)));

    public static async Task<Ok<KeyView>> Enable(string name, KeyService keys, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(KeyViews.View(await keys.EnableAsync(KeyViews.CallerOf(http), name, cancellationToken)));

    /// <summary><c>DELETE</c> schedules destruction after <c>pendingWindowDays</c> (7 … 30, default 30); it is cancellable until then.</summary>
    public static async Task<Ok<KeyView>> ScheduleDeletion(string name, int? pendingWindowDays, KeyService keys, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(KeyViews.View(await keys.ScheduleDeletionAsync(KeyViews.CallerOf(http), name, pendingWindowDays ?? DefaultPendingWindowDays, cancellationToken)));

    public static async Task<Ok<KeyView>> CancelDeletion(string name, KeyService keys, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(KeyViews.View(await keys.CancelDeletionAsync(KeyViews.CallerOf(http), name, cancellationToken)));

    /// <summary>Audit entries, newest first, optionally for one key and a time window; at most <c>limit</c> (default and cap: <see cref="KeysOptions.AuditPageLimit"/>).</summary>
    public static async Task<Results<Ok<PagedList<AuditEntryView>>, ProblemHttpResult>> Audit(
        string? key, DateTimeOffset? from, DateTimeOffset? to, int? limit, Infrastructure.AuditLog audit, IOptions<KeysOptions> options, CancellationToken cancellationToken)
    {
        var cap = options.Value.AuditPageLimit;
        if (limit is < 1 || limit > cap)
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The request is malformed", detail: $"limit must be between 1 and {cap}.");
        var items = await audit.QueryAsync(key, from, to, limit ?? cap, cancellationToken);
        return TypedResults.Ok(new PagedList<AuditEntryView>([.. items.Select(KeyViews.View)], items.Count, 1, limit ?? cap));
    }

    public static async Task<Ok<AuditVerification>> VerifyAudit(Infrastructure.AuditLog audit, CancellationToken cancellationToken)
    {
        var (entries, broken) = await audit.VerifyAsync(cancellationToken);
        return TypedResults.Ok(new AuditVerification(broken is null, entries, broken is null ? null : new AuditBreakView(broken.Sequence, broken.Reason)));
    }
}
