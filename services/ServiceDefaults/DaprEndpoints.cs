using Microsoft.Extensions.Configuration;

namespace ShopDapr.ServiceDefaults;

/// <summary>
/// Where this app's Dapr sidecar listens, read as the Dapr SDK reads it (DAPR_HTTP_ENDPOINT, else
/// http://127.0.0.1:DAPR_HTTP_PORT) but from <see cref="IConfiguration"/>, so tests can point an app at a sidecar.
/// </summary>
public static class DaprEndpoints
{
    public static string Http(IConfiguration configuration) =>
        Endpoint(configuration, "DAPR_HTTP_ENDPOINT", "DAPR_HTTP_PORT", 3500);

    public static string Grpc(IConfiguration configuration) =>
        Endpoint(configuration, "DAPR_GRPC_ENDPOINT", "DAPR_GRPC_PORT", 50001);

    /// <summary>The Dapr API token the sidecar demands from this app, or null.</summary>
    public static string? ApiToken(IConfiguration configuration) =>
        NullIfEmpty(configuration["DAPR_API_TOKEN"]);

    /// <summary>The app API token the sidecar sends to this app, or null.</summary>
    public static string? AppApiToken(IConfiguration configuration) =>
        NullIfEmpty(configuration["APP_API_TOKEN"]);

    private static string Endpoint(IConfiguration configuration, string endpointKey, string portKey, int defaultPort)
    {
        if (NullIfEmpty(configuration[endpointKey]) is { } endpoint)
            return endpoint.TrimEnd('/');
        var port = int.TryParse(configuration[portKey], out var p) ? p : defaultPort;
        return $"http://127.0.0.1:{port}";
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
