using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace ShopDapr.ServiceDefaults.Auth;

/// <summary>
/// With APP_API_TOKEN set (required outside Development: <see cref="AppTokens"/>), every call must come from the sidecar with that token in <c>dapr-api-token</c>
/// (checked by Dapr.AspNetCore's "Dapr" authentication scheme); health probes are exempt. A missing or wrong token is a 401.
/// </summary>
internal sealed class AppApiTokenMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments(HealthEndpoints.Ready) || path.StartsWithSegments(HealthEndpoints.Alive))
        {
            await next(context);
            return;
        }
        var result = await context.AuthenticateAsync(ShopNames.Policies.DaprSidecar);
        if (!result.Succeeded)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized",
                detail: "Calls to this app must come through its Dapr sidecar with the app API token.").ExecuteAsync(context);
            return;
        }
        await next(context);
    }
}
