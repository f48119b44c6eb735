using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using ShopDapr.Contracts.Keys;

namespace ShopDapr.Keys.Api;

/// <summary>
/// A call on a key route refused by authentication or authorization (no token, a customer, a caller without the app
/// API token) is audited like any other refusal before its 401 or 403 goes out. Calls that an app's access-control
/// policy stops never reach this app: the caller's sidecar refuses them and logs them.
/// </summary>
internal sealed class AuditedAuthorization(KeyService keys) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var path = context.Request.Path;
        if (!authorizeResult.Succeeded && (path.StartsWithSegments(KeysRoutes.Admin) || path.StartsWithSegments(KeysRoutes.Internal)))
        {
            var name = context.Request.RouteValues.TryGetValue("name", out var value) ? value as string : null;
            var outcome = authorizeResult.Challenged ? "refused:Unauthenticated" : "refused:Forbidden";
            await keys.AuditRefusalAsync(KeyViews.CallerOf(context), $"{context.Request.Method} {path}", name, outcome, context.RequestAborted);
        }
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
