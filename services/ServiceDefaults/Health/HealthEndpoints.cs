namespace ShopDapr.ServiceDefaults;

public static class HealthEndpoints
{
    /// <summary>Readiness: the app and its Dapr sidecar.</summary>
    public const string Ready = "/healthz";

    /// <summary>Liveness: the process answers.</summary>
    public const string Alive = "/alive";

    public const string LiveTag = "live";
}
