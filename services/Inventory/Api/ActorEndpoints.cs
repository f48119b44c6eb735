namespace ShopDapr.Inventory.Api;

public static class ActorEndpoints
{
    /// <summary>
    /// The routes the sidecar calls actors on (<c>dapr/config</c>, <c>actors/...</c>). The SDK maps its own
    /// <c>/healthz</c> too; it is ordered after ServiceDefaults' readiness check (which includes the sidecar) so the two
    /// do not collide.
    /// </summary>
    public static IEndpointRouteBuilder MapInventoryActors(this IEndpointRouteBuilder routes)
    {
        routes.MapActorsHandlers().Add(endpoint =>
        {
            if (endpoint is RouteEndpointBuilder route && route.RoutePattern.RawText?.TrimStart('/') == "healthz")
                route.Order = 1;
        });
        return routes;
    }
}
