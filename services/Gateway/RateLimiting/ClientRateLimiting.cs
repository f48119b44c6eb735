using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using ShopDapr.Gateway.Problems;
using ShopDapr.ServiceDefaults;

namespace ShopDapr.Gateway.RateLimiting;

/// <summary>
/// A fixed window per client: the validated token's subject when there is one, else the remote IP address
/// (a forged token is not a client identity). Over the limit: 429 ProblemDetails with Retry-After.
/// </summary>
public static class ClientRateLimiting
{
    public static IServiceCollection AddClientRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<GatewayOptions>>((o, gateway) =>
        {
            var permits = gateway.Value.RateLimitPermits;
            var window = gateway.Value.RateLimitWindow;
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                IsProbe(http.Request.Path)
                    ? RateLimitPartition.GetNoLimiter("probes")
                    : RateLimitPartition.GetFixedWindowLimiter(ClientKey(http), _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = permits,
                        Window = window,
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
            o.OnRejected = OnRejected;
        });
        return services;
    }

    internal static string ClientKey(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true && http.User.FindFirst(ShopNames.ClaimTypes.Subject)?.Value is { Length: > 0 } subject
            ? $"sub:{subject}"
            : $"ip:{http.Connection.RemoteIpAddress}";

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments(HealthEndpoints.Ready) || path.StartsWithSegments(HealthEndpoints.Alive);

    private static async ValueTask OnRejected(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        await GatewayProblems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"Rate limit exceeded; retry in {GatewayProblems.Seconds(retryAfter)} seconds.", retryAfter);
    }
}
