using Grpc.AspNetCore.Server;
using ShopDapr.DevSidecar.Hosting;

namespace ShopDapr.DevSidecar.Config;

/// <summary>The Configuration (tracing, access control, features) and the DAPR_API_TOKEN checks.</summary>
internal static partial class ConfigFeature
{
    public static IServiceCollection AddSidecarConfiguration(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var sidecar = sp.GetRequiredService<SidecarContext>();
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SidecarConfiguration).FullName!);
            return ConfigurationLoader.Load(sidecar.Options, sidecar.Resources, line => LogIgnored(logger, line));
        });
        services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<ApiTokenInterceptor>());
        return services;
    }

    /// <summary>Loads the Configuration now, before any port opens, so a broken one stops start-up; then checks API tokens.</summary>
    public static void UseSidecarConfiguration(this WebApplication app)
    {
        app.Services.GetRequiredService<SidecarConfiguration>();
        app.UseMiddleware<ApiTokenMiddleware>();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Line}")]
    private static partial void LogIgnored(ILogger logger, string line);
}
