using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using ShopDapr.Gateway.Clients;
using ShopDapr.Gateway.Problems;
using ShopDapr.ServiceDefaults;
using ShopDapr.ServiceDefaults.Problems;

namespace ShopDapr.Gateway.RateLimiting;

/// <summary>
/// Fixed windows per client. Every route: the validated token's subject when there is one, else the client's IP address
/// (a forged token is not a client identity). Login and register, on top: a stricter budget per IP address, since
/// they are where passwords are guessed and accounts mass-created. Over a limit: 429 ProblemDetails with Retry-After.
/// </summary>
public static class ClientRateLimiting
{
    public const string LoginPath = "/api/identity/login";
    public const string RegisterPath = "/api/identity/register";

    public static IServiceCollection AddClientRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<GatewayOptions>>((o, gateway) =>
        {
            var g = gateway.Value;
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                    IsProbe(http.Request.Path)
                        ? RateLimitPartition.GetNoLimiter("probes")
                        : Window(ClientKey(http), g.RateLimitPermits, g.RateLimitWindow)),
                PartitionedRateLimiter.Create<HttpContext, string>(http => Route(http.Request.Path) switch
                {
                    LoginPath => Window($"login|ip:{ForwardedClients.Address(http)}", g.LoginRateLimitPermits, g.LoginRateLimitWindow),
                    RegisterPath => Window($"register|ip:{ForwardedClients.Address(http)}", g.RegisterRateLimitPermits, g.RegisterRateLimitWindow),
                    _ => RateLimitPartition.GetNoLimiter(""),
                }));
            o.OnRejected = OnRejected;
        });
        return services;
    }

    internal static string ClientKey(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true && http.User.FindFirst(ShopNames.ClaimTypes.Subject)?.Value is { Length: > 0 } subject
            ? $"sub:{subject}"
            : $"ip:{ForwardedClients.Address(http)}";

    /// <summary>
    /// The path as the apps will route it: lower case, repeated and trailing slashes dropped (the sidecar cleans double
    /// slashes, routing ignores case and a trailing slash), so <c>//API/Identity//Login/</c> cannot slip past the login limit.
    /// </summary>
    internal static string Route(PathString path)
    {
        var segments = (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        return "/" + string.Join('/', segments).ToLowerInvariant();
    }

    private static RateLimitPartition<string> Window(string key, int permits, TimeSpan window) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments(HealthEndpoints.Ready) || path.StartsWithSegments(HealthEndpoints.Alive);

    private static async ValueTask OnRejected(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        await GatewayProblems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"Rate limit exceeded; retry in {RetryAfter.Words(retryAfter)}.", retryAfter);
    }
}
