using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using ShopDapr.Analytics.Domain;
using ShopDapr.Analytics.Infrastructure;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Analytics.Api;

/// <summary>
/// <c>GET /api/analytics/profiles/{customerId}</c>: a customer's behaviour profile, to that customer or an admin.
/// Another customer's profile reads as 404, as another customer's order does: its existence is not told.
/// </summary>
public static class ProfilesApi
{
    public static IEndpointRouteBuilder MapProfilesApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/analytics/profiles/{customerId}", GetProfile).WithTags("Analytics").RequireAuthorization();
        return routes;
    }

    public static async Task<Results<Ok<CustomerProfile>, ProblemHttpResult>> GetProfile(
        string customerId, ClaimsPrincipal user, AnalyticsStore store, CancellationToken cancellationToken)
    {
        var mine = customerId == RecommendationsApi.Subject(user);
        if ((mine || user.IsInRole(ShopNames.Roles.Admin)) && !customerId.Contains("||", StringComparison.Ordinal)
            && await store.GetAsync<CustomerProfile>(StateKeys.Profile(customerId), cancellationToken) is { } profile)
            return TypedResults.Ok(profile);
        return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such profile", detail: $"No profile of customer {customerId} to show.");
    }
}
